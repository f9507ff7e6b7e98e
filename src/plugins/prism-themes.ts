// Code highlighting themes whose every token colour has a contrast of at least 4.5:1 against the
// code block's background (WCAG 2 AA, 1.4.3). Docusaurus' default, palenight, has comments at 2.8:1
// and booleans at 4.5:1 (just under), on every code block in both colour modes.
import { themes, type PrismTheme } from 'prism-react-renderer';

const BACKGROUND = '#f6f8fa';

/** Light: VS Code's light colours on a light grey block; the four that fall under 4.5:1 there are darkened. */
export const lightCodeTheme: PrismTheme = {
  plain: { ...themes.vsLight.plain, backgroundColor: BACKGROUND },
  styles: [
    ...themes.vsLight.styles,
    // Later entries win in prism-react-renderer; ratios against #f6f8fa (vsLight's own are 4.3, 4.3, 3.8).
    { types: ['number', 'variable', 'inserted'], style: { color: '#067550' } }, // 5.4:1
    { types: ['class-name'], style: { color: '#1d6d85' } }, // 5.5:1
    { types: ['attr-name'], style: { color: '#c00000' } }, // 6.1:1
  ],
};

/** Dark: Oceanic Next, whose colours all pass against its #282c34 background as they are. */
export const darkCodeTheme: PrismTheme = themes.oceanicNext;
