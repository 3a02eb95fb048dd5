// The browser half of ui-pbx-board: one UMD file that Dashboard 2 loads from
// <httpAdminRoot>/resources/@pbxflow/node-red-dashboard-2-pbx/ui-pbx-board.umd.js and reads as
// window['ui-pbx-board'].UIPbxBoard. Vue and Vuex come from the Dashboard page (externals), the CSS
// travels inside the JS (a third-party widget has no stylesheet of its own).
import { resolve } from 'path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import cssInjectedByJs from 'vite-plugin-css-injected-by-js';

const WIDGET = 'ui-pbx-board';

export default defineConfig({
  plugins: [vue(), cssInjectedByJs()],
  // Library mode does not replace it by itself; Vue's own code reads it.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  logLevel: 'warn',
  build: {
    lib: {
      entry: resolve(import.meta.dirname, 'ui', 'index.js'),
      name: WIDGET,
      formats: ['umd'],
      fileName: () => `${WIDGET}.umd.js`,
    },
    outDir: resolve(import.meta.dirname, 'resources'),
    emptyOutDir: true,
    copyPublicDir: false,
    rollupOptions: {
      external: ['vue', 'vuex'],
      output: { globals: { vue: 'Vue', vuex: 'vuex' } },
    },
  },
});
