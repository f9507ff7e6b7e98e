// Wraps the theme's MDX component map (swizzle "wrap" style) so every page can use these without
// importing them.
import MDXComponents from '@theme-original/MDXComponents';
import LibrarySource from '@site/src/components/LibrarySource';
import RecipeSource from '@site/src/components/RecipeSource';
import SectionLinks from '@site/src/components/SectionLinks';
import Provenance from '@site/src/components/Notebook/Provenance';

export default {
  ...MDXComponents,
  LibrarySource,
  RecipeSource,
  SectionLinks,
  Provenance,
};
