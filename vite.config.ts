import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The engine runs in a module worker (src/worker/engine.worker.ts); `worker.format: 'es'`
// keeps it an ES module in both `vite dev` and the production build.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
