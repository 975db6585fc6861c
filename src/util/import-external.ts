// import() of what is not part of kremedy: tsx's hook registration and a user's playbook file.
// The installed bin compiles the bundle as a vm.Script to use V8's code cache (bin/kremedy.cjs),
// and an import() inside such a script throws "A dynamic import callback was not specified" on
// Node 20 once the code comes from the cache (the script's loader is not restored with it). The
// bin therefore lends its own import(), from a file node compiled the ordinary way; its
// specifiers resolve alike, since bin/ and dist/bundle/ sit in the same package.
const LENT_IMPORT = Symbol.for('kremedy.importExternal');

export function importExternal<T = unknown>(specifier: string): Promise<T> {
  const lent = (globalThis as Record<symbol, unknown>)[LENT_IMPORT] as ((s: string) => Promise<T>) | undefined;
  return lent ? lent(specifier) : (import(specifier) as Promise<T>);
}
