import { defineConfig } from 'vite';

// The page is built into dist/web; web/server serves it with the session endpoint (no Vite at run time).
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // one small bundle: the pages are too small to be worth lazy chunks
    modulePreload: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
