import { isIPv4, isIPv6 } from 'node:net';

/** Whether binding to `host` keeps the service reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === 'localhost.') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) {
    const mapped = /^(?:0{0,4}:){0,5}(?::|ffff:)(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return isIPv4(mapped[1]) && mapped[1].startsWith('127.');
    // ::1 in any of its spellings: every group zero but a last group of 1.
    const groups = expandIPv6(h);
    return groups !== null && groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
  }
  return false;
}

function expandIPv6(h: string): number[] | null {
  const [head, tail] = h.split('::');
  const a = head ? head.split(':') : [];
  const b = tail !== undefined && tail !== '' ? tail.split(':') : [];
  if (tail === undefined && a.length !== 8) return null;
  const zeros = tail === undefined ? [] : new Array(8 - a.length - b.length).fill('0');
  const all = [...a, ...zeros, ...b].map((g) => parseInt(g, 16));
  return all.length === 8 && all.every((g) => Number.isInteger(g)) ? all : null;
}
