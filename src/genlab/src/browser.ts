// The part of genlab that runs in a web page: no Node modules behind these imports. The site's
// demo uses it so the page samples, interpolates and prepares drawings with the tested library code.
export { IMAGE_SIZE, PIXELS, NUM_CLASSES } from './data/constants';
export { centerDigit, DIGIT_BOX } from './data/drawing';
export { sampleLatent, interpolateLatent, type InterpolationKind } from './models/prior';
export { encode, decode, type Vae } from './models/vae';
