import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compatible, foldKey, foldLight } from './fold.js';

test('foldKey: each folding rule, on real Arabic', () => {
  const table: [string, string, string][] = [
    ['tashkeel', 'مُحَمَّدٌ', 'محمد'],
    ['superscript alef', 'هٰذا', 'هذا'],
    ['tatweel', 'الــقــدس', 'القدس'],
    ['zero-width and bidi marks', '\u200fمصر\u200e\u200b', 'مصر'],
    ['BOM and isolates', '\ufeff\u2067قطر\u2069', 'قطر'],
    ['alef with hamza above/below/madda, wasla', 'أإآٱ', 'اااا'],
    ['alif maqsura', 'مستشفى', 'مستشفي'],
    ['taa marbuta', 'غزة', 'غزه'],
    ['hamza seats', 'مسؤول رئيس', 'مسوول رييس'],
    ['Persian and Urdu letters', 'کردستان ی ۀ', 'كردستان ي ه'],
    ['presentation forms', 'ﻣﺼﺮ ﻻ', 'مصر لا'],
    ['Arabic-Indic digits', '٢٠١٥ ۲۰۲۴', '2015 2024'],
    ['Latin case', 'Reuters', 'reuters'],
    ['white space', '  الأمم   المتحدة ', 'الامم المتحده'],
  ];
  for (const [rule, input, expected] of table) assert.equal(foldKey(input), expected, rule);
});

test('light fold keeps the letters a writer marks on purpose', () => {
  assert.equal(foldLight('أمام'), 'أمام');
  assert.equal(foldLight('على'), 'على');
  assert.equal(foldLight('إيران'), 'إيران');
  assert.equal(foldLight('ٱلله'), 'الله');
});

test('compatible: marked letters refuse conflicting tags, bare letters accept either (both ways)', () => {
  // [tag, text, compatible?]
  const table: [string, string, boolean][] = [
    ['إمام', 'إمام', true],
    ['إمام', 'امام', true], // text dropped the hamza
    ['إمام', 'أمام', false], // text wrote the preposition's hamza
    ['امام', 'أمام', true], // a bare tag is compatible with either
    ['امام', 'إمام', true],
    ['أمام', 'إمام', false],
    ['علي', 'علي', true],
    ['علي', 'على', false], // text wrote ى: the preposition, never the name
    ['على', 'علي', true], // Egyptian style writes ي for ى
    ['إيران', 'ايران', true],
    ['ايران', 'إيران', true],
    ['آسيا', 'اسيا', true],
    ['آسيا', 'أسيا', true],
    ['أبل', 'آبل', true],
    ['آسيا', 'إسيا', false],
    ['موسى', 'موسي', true],
    ['السيسي', 'السيسى', true], // Egyptian typography: every final ي written ى
    ['المصري', 'المصرى', true],
    ['توتي', 'تؤتي', false], // the verb, not the footballer
    ['مسؤول', 'مسئول', true], // two seats of one hamza
    ['مسؤول', 'مسوول', true],
    ['رئيس', 'رئيس', true],
    ['اسراييل', 'إسرائيل', false],
  ];
  for (const [tag, text, expected] of table) assert.equal(compatible(foldLight(tag), foldLight(text)), expected, `${tag} ~ ${text}`);
});
