// What Dashboard 2 looks up in window['ui-pbx-board'] (package.json "node-red-dashboard-2").
export { default as UIPbxBoard } from './components/UIPbxBoard.vue';
