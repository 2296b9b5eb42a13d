export { modelBundle } from './model-bundle.js';
export { lvcdLineart } from './lineart.js';
export { lvcdColorize } from './colorize.js';
export { lvcdSample } from './sample.js';
export { lvcdDecode } from './decode.js';
export { LVCD_TEMPLATE_NAME, lvcdTemplateWorkflow } from './template-workflow.js';
