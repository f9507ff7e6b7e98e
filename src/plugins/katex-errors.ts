// A rehype plugin placed after rehype-katex on every docs page and page (docusaurus.config.ts):
// rehype-katex reports a formula it cannot typeset as a message and shows it as red text; this
// turns that into a build error naming the page and the formula. The notebook renderer does the
// same for notebooks (scripts/notebook-pages/markdown.ts).

interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

interface KatexMessage {
  source?: string | null;
  reason: string;
  cause?: unknown;
  ancestors?: HastNode[];
}

const textOf = (n: HastNode): string => (n.type === 'text' ? (n.value ?? '') : (n.children ?? []).map(textOf).join(''));

/** The formulas KaTeX could not typeset, from rehype-katex's messages and any katex-error element left in the tree. */
export function katexErrors(tree: HastNode, messages: KatexMessage[]): string[] {
  const found = messages
    .filter((m) => m.source === 'rehype-katex')
    .map((m) => {
      const el = m.ancestors?.[m.ancestors.length - 1];
      const cause = m.cause instanceof Error ? m.cause.message : m.reason;
      return `${JSON.stringify(el ? textOf(el) : '?')}: ${cause}`;
    });
  const walk = (n: HastNode) => {
    const cls = n.properties?.className;
    if (Array.isArray(cls) && cls.includes('katex-error')) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- KaTeX writes its message into the title attribute as a string
      const line = `${JSON.stringify(textOf(n))}: ${String(n.properties?.title ?? 'KaTeX error')}`;
      if (!found.some((f) => f.startsWith(JSON.stringify(textOf(n))))) found.push(line);
      return;
    }
    (n.children ?? []).forEach(walk);
  };
  walk(tree);
  return found;
}

export default function rehypeKatexErrors() {
  return (tree: HastNode, file: { path?: string; messages: KatexMessage[] }) => {
    const errors = katexErrors(tree, file.messages);
    if (errors.length) throw new Error(`${file.path ?? 'a page'}: KaTeX cannot typeset:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  };
}
