// Browser stand-in for node:fs: the page never reads files; the server hands it their text.
export function readFileSync(..._args: unknown[]): never {
  throw new Error('no file system in the browser: the Studio server serves file text');
}
export function existsSync(..._args: unknown[]): boolean {
  return false;
}
export default { readFileSync, existsSync };
