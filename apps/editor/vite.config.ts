import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The dev server forwards the API and the socket to a running `lvcd serve` (default port 5580).
const backend = 'http://127.0.0.1:5580';

export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: {
      '/api': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Rete, Vue and elkjs together are large; a warning at the default limit says nothing useful.
    chunkSizeWarningLimit: 2500,
  },
});
