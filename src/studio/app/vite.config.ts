import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The engine and the workload loader run in the page unchanged; the few Node built-ins they name are
// replaced by the small stand-ins in shims/.
export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [preact()],
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^node:path$/, replacement: here('./shims/path.ts') },
      { find: /^node:fs$/, replacement: here('./shims/fs.ts') },
      { find: /^node:module$/, replacement: here('./shims/module.ts') },
    ],
  },
  build: {
    outDir: here('../../../dist/studio-app'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
});
