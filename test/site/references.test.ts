// The references page lists every web address the source article prints, in both languages, so a
// link the article gives is never left unchecked. The list below is copied from the article
// (/work/shared/seed in the project's workspace; the article is not part of this repository).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './site-build';

const ARTICLE_LINKS = [
  'https://www.tensorflow.org/tutorials/generative',
  'https://pytorch.org/tutorials/beginner/nn_tutorial.html',
  'https://pytorch.org/tutorials/beginner/generativeModels.html',
  'https://machinelearningmastery.com/generative-adversarial-networks-gan-tutorial/',
  'https://openai.com/',
  'https://deepart.io/',
  'https://thispersondoesnotexist.com/',
  'https://www.tensorflow.org/',
  'https://pytorch.org/',
  'https://github.com/tensorflow/gan',
  'https://github.com/soush-meng/gan.pytorch',
  'https://www.tensorflow.org/datasets/mnist',
  'https://www.tensorflow.org/datasets/cifar10',
];

const PAGES = {
  en: join(ROOT, 'docs', 'article', 'references.md'),
  'zh-Hans': join(ROOT, 'i18n', 'zh-Hans', 'docusaurus-plugin-content-docs', 'current', 'article', 'references.md'),
};

for (const [locale, path] of Object.entries(PAGES)) {
  test(`references page (${locale}) has a row for every address the article prints`, () => {
    const rows = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| https://'))
      .map((l) => l.split('|')[1].trim());
    const missing = ARTICLE_LINKS.filter((u) => !rows.includes(u));
    assert.deepEqual(missing, [], `${path} lacks a row for ${missing.join(', ')}`);
    assert.equal(rows.length, ARTICLE_LINKS.length, `${path} has rows for addresses the article does not print`);
  });
}
