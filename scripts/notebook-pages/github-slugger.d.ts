// github-slugger 1.x (the version Docusaurus slugs headings with) ships no types.
declare module 'github-slugger' {
  export default class GithubSlugger {
    /** A unique slug for `value` on this page: GitHub's rules, -1, -2 … for repeats. */
    slug(value: string, maintainCase?: boolean): string;
    reset(): void;
  }
}
