// MNIST's shape, in a module with no Node imports so browser code (the site's demo) can use it.
export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const NUM_CLASSES = 10;
