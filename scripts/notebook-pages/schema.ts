// What may stay in a notebook's HTML after rehype-sanitize (hast-util-sanitize): GitHub's allow-list
// (hast-util-sanitize's defaultSchema), plus exactly what KaTeX's output needs and presentational
// SVG. Two schemas: one for markdown cells and text/html outputs (shown inside the page), one for
// image/svg+xml outputs (written as files and shown through <img>, but openable by URL).
import { defaultSchema, type Options as Schema } from 'rehype-sanitize';

type Definitions = NonNullable<Schema['attributes']>[string];

// KaTeX's inline styles: lengths, colours and position:relative. The value alphabet has no
// parentheses, slashes, quotes or colons, so no url(), expression() or escapes can be written.
const VALUE = '[-#a-zA-Z0-9.]+(?: [-#a-zA-Z0-9.]+)*';
const PROPERTY =
  'background-color|border(?:-(?:top|right|bottom|left))?(?:-(?:width|color|style))?|bottom|color|height|left|' +
  'margin-(?:top|right|bottom|left)|min-width|padding-(?:top|right|bottom|left)|top|vertical-align|width';
const DECLARATION = `(?:(?:${PROPERTY}):${VALUE}|position:relative)`;
/** An inline style made only of KaTeX-like declarations (lower case, no spaces around ':'). */
export const SAFE_STYLE = new RegExp(`^(?:${DECLARATION};)*(?:${DECLARATION};?)?$`);

const MATHML = [
  'math',
  'semantics',
  'annotation',
  'mrow',
  'mi',
  'mn',
  'mo',
  'ms',
  'mtext',
  'mspace',
  'mstyle',
  'mpadded',
  'mphantom',
  'menclose',
  'mfrac',
  'msqrt',
  'mroot',
  'msub',
  'msup',
  'msubsup',
  'mover',
  'munder',
  'munderover',
  'mtable',
  'mtr',
  'mtd',
];
const MATHML_ATTRIBUTES: Record<string, Definitions> = {
  math: [
    ['xmlns', 'http://www.w3.org/1998/Math/MathML'],
    ['display', 'block', 'inline'],
  ],
  annotation: [['encoding', 'application/x-tex']],
  mi: ['mathvariant'],
  mn: ['mathvariant'],
  mo: ['stretchy', 'minsize', 'maxsize', 'fence', 'separator', 'lspace', 'rspace', 'mathvariant', 'mathcolor'],
  mstyle: ['mathcolor', 'scriptlevel', 'displaystyle'],
  mpadded: ['width', 'height', 'lspace', 'voffset', 'mathbackground', ['style', SAFE_STYLE]],
  mspace: ['width', 'height', 'mathbackground'],
  menclose: ['notation'],
  mover: ['accent'],
  munder: ['accentunder'],
  mfrac: ['linethickness'],
  mtable: ['rowspacing', 'columnalign', 'columnspacing'],
};

/** SVG elements that draw and nothing else: no <a>, <use>, <image>, <foreignObject>, <script>, animation. */
const SVG = ['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan'];
/** A paint or clip reference may only point inside the document: url(#id). */
const PAINT = /^(?:none|currentColor|#[0-9a-fA-F]{3,8}|[a-zA-Z]+|rgba?\([\d.,\s%]+\)|url\(#[\w-]+\))$/;
const SVG_PRESENTATION: Definitions = [
  'className',
  'transform',
  'opacity',
  'fillOpacity',
  'fillRule',
  'strokeWidth',
  'strokeOpacity',
  'strokeDashArray',
  'strokeDashOffset',
  'strokeLineCap',
  'strokeLineJoin',
  'strokeMiterLimit',
  'fontFamily',
  'fontSize',
  'fontWeight',
  'fontStyle',
  'textAnchor',
  'dominantBaseline',
  'alignmentBaseline',
  'shapeRendering',
  'display',
  'visibility',
  'pointerEvents',
  'role',
  'ariaLabel',
  'ariaHidden',
  'ariaRoleDescription',
  'vectorEffect',
  ['fill', PAINT],
  ['stroke', PAINT],
  ['style', SAFE_STYLE],
];
const SVG_ATTRIBUTES: Record<string, Definitions> = {
  svg: [...SVG_PRESENTATION, 'width', 'height', 'viewBox', 'preserveAspectRatio', 'version', ['xmlns', 'http://www.w3.org/2000/svg'], 'x', 'y'],
  g: SVG_PRESENTATION,
  path: [...SVG_PRESENTATION, 'd', 'pathLength'],
  rect: [...SVG_PRESENTATION, 'x', 'y', 'width', 'height', 'rx', 'ry'],
  circle: [...SVG_PRESENTATION, 'cx', 'cy', 'r'],
  ellipse: [...SVG_PRESENTATION, 'cx', 'cy', 'rx', 'ry'],
  line: [...SVG_PRESENTATION, 'x1', 'y1', 'x2', 'y2'],
  polyline: [...SVG_PRESENTATION, 'points'],
  polygon: [...SVG_PRESENTATION, 'points'],
  text: [...SVG_PRESENTATION, 'x', 'y', 'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust'],
  tspan: [...SVG_PRESENTATION, 'x', 'y', 'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust'],
};

/**
 * Markdown cells and text/html outputs: GitHub's allow-list, KaTeX's HTML and MathML, drawing SVG.
 * Scripts and styles go with their content; other unknown elements are unwrapped (their text stays,
 * as text). Every URL is http(s), mailto or relative (images are narrowed further in urls.ts).
 */
export const pageSchema: Schema = {
  ...defaultSchema,
  // <picture>/<source srcset> would fetch from anywhere: images come only as <img> (see urls.ts).
  tagNames: [...defaultSchema.tagNames!.filter((t) => t !== 'picture' && t !== 'source'), ...MATHML, ...SVG],
  attributes: {
    ...defaultSchema.attributes,
    ...MATHML_ATTRIBUTES,
    ...SVG_ATTRIBUTES,
    // KaTeX's HTML is spans with classes and styles; GitHub's own list has no style anywhere.
    span: ['className', 'ariaHidden', ['style', SAFE_STYLE]],
  },
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'] },
  strip: ['script', 'style'],
};

/**
 * image/svg+xml outputs, written as standalone .svg files: drawing elements only, no links, no
 * scripts, no event handlers, no references outside the document. Ids are kept unprefixed (a
 * gradient or clip path is referenced by url(#id) within the same file).
 */
export const svgSchema: Schema = {
  // <title> is allowed in the file only: in a page, React would move it into the document's head.
  tagNames: [...SVG, 'title', 'desc', 'defs', 'linearGradient', 'radialGradient', 'stop', 'clipPath'],
  attributes: {
    ...SVG_ATTRIBUTES,
    defs: [],
    linearGradient: ['id', 'x1', 'y1', 'x2', 'y2', 'gradientUnits', 'gradientTransform', 'spreadMethod'],
    radialGradient: ['id', 'cx', 'cy', 'r', 'fx', 'fy', 'gradientUnits', 'gradientTransform', 'spreadMethod'],
    stop: ['offset', ['stopColor', PAINT], 'stopOpacity', ['style', SAFE_STYLE]],
    clipPath: ['id', 'clipPathUnits'],
    '*': ['id', ['clipPath', /^url\(#[\w-]+\)$/]],
  },
  clobber: [],
  protocols: {},
  strip: ['script', 'style'],
  allowComments: false,
  allowDoctypes: false,
};
