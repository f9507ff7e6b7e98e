/** genlab: GANs and VAEs in TensorFlow.js. The public API, and nothing else. */
export * from './backend';
export * from './random';
export * from './data/idx';
export * from './data/mnist';
export * from './data/toy';
export * from './models/init';
export * from './models/gan';
export * from './models/vae';
export * from './losses/gan';
export * from './losses/vae';
export * from './train/checkpoint';
export * from './train/loop';
export * from './train/run';
export * from './train/gan';
export * from './train/vae';
export * from './viz/png';
export * from './viz/charts';
export { version } from './version';
