/** `distinct_products` → `Distinct products`, `avgMonetary` → `Avg monetary`; labels already in words are kept. */
export function humanLabel(name: string): string {
  if (!/[_]|[a-z][A-Z]/.test(name)) return name;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
