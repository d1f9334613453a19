import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { formatError, ClienteleError } from '../errors.js';
import { readLoadedModel, type LoadedModel, type LoadOptions } from './loaded-model.js';

interface SlotLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The model the service answers with. A reload reads and compiles the new file completely, then replaces
 * the reference in one assignment: a request holds the model it was validated with, so requests in flight
 * finish on the old one, and a bad new file leaves the old one serving. Reloads run one at a time, and
 * reload requests that arrive while one runs are folded into a single further load.
 */
export class ModelSlot {
  private model: LoadedModel;
  private running: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private listener: ((curr: Stats, prev: Stats) => void) | null = null;

  constructor(
    readonly path: string,
    first: LoadedModel,
    private readonly options: LoadOptions,
    private readonly log: SlotLog,
  ) {
    this.model = first;
  }

  get current(): LoadedModel {
    return this.model;
  }

  /** Resolves true when the new model is serving, false when the file was refused (the old one still serves). */
  reload(reason: string): Promise<boolean> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start(reason);
    this.queued = this.running.then(() => {
      this.queued = null;
      return this.start(reason);
    });
    return this.queued;
  }

  private start(reason: string): Promise<boolean> {
    this.running = this.loadOnce(reason).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loadOnce(reason: string): Promise<boolean> {
    try {
      const next = await readLoadedModel(this.path, this.options);
      this.model = next;
      this.log.info({ reason, model: next.ref, sha256: next.info.file.sha256 }, 'model reloaded');
      return true;
    } catch (err) {
      const message = err instanceof ClienteleError ? formatError(err) : String((err as Error)?.message ?? err);
      this.log.error({ reason, path: this.path, err: message, model: this.model.ref }, 'model reload failed; the loaded model keeps serving');
      return false;
    }
  }

  /**
   * Reload when the file changes. Polling the path's stat (not an inotify watch on the inode) also sees a
   * file replaced by rename, as atomic writers do; the debounce lets a writer finish before the load.
   */
  watch(intervalMs: number, debounceMs: number): void {
    if (this.listener) return;
    this.listener = (curr, prev) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size && curr.ino === prev.ino) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.reload('file changed');
      }, debounceMs);
    };
    watchFile(this.path, { interval: intervalMs, persistent: false }, this.listener);
  }

  /** Stop watching and wait for a reload under way, so nothing runs after the service has closed. */
  async close(): Promise<void> {
    // Only this slot's listener: another service in the process may watch the same file.
    if (this.listener) unwatchFile(this.path, this.listener);
    this.listener = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await (this.queued ?? this.running);
  }
}
