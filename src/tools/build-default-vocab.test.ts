import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldKey } from '../core/fold.js';
import { TAG_TYPES } from '../core/types.js';
import {
  buildDefaultVocabulary,
  cldrNameForms,
  parseSourceFile,
  repoRoot,
  serialise,
  type BuildIssue,
  type DefaultEntry,
} from './build-default-vocab.js';

const builtPath = join(repoRoot(), 'dist', 'vocab', 'default.jsonl');

/** The built file when `npm run build` made it; otherwise the same build in memory. */
function builtEntries(): DefaultEntry[] {
  const text = existsSync(builtPath) ? readFileSync(builtPath, 'utf8') : serialise(buildDefaultVocabulary().entries);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DefaultEntry);
}

const entries = builtEntries();
const byId = new Map(entries.map((e) => [e.id, e]));

function get(id: string): DefaultEntry {
  const e = byId.get(id);
  assert.ok(e, `${id} is in the default vocabulary`);
  return e;
}

function chain(id: string): string[] {
  const out: string[] = [];
  let p = get(id).parent;
  while (p !== undefined) {
    out.push(p);
    p = get(p).parent;
  }
  return out;
}

test('built output: ids unique, sorted, parents exist, types valid, labels non-empty', () => {
  assert.equal(byId.size, entries.length, 'no duplicate ids');
  const ids = entries.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const e of entries) {
    assert.ok((TAG_TYPES as readonly string[]).includes(e.type), `${e.id} has a valid type`);
    assert.notEqual(foldKey(e.label), '', `${e.id} has a label`);
    if (e.parent !== undefined) assert.ok(byId.has(e.parent), `${e.id}: parent ${e.parent} exists`);
    if (e.ambiguous) assert.ok(e.note && e.note.trim() !== '', `${e.id}: ambiguous entries explain why`);
  }
});

test('built output: every parent chain ends (no loops)', () => {
  for (const e of entries) {
    const seen = new Set([e.id]);
    let p = e.parent;
    while (p !== undefined) {
      assert.ok(!seen.has(p), `${e.id}: chain loops at ${p}`);
      seen.add(p);
      p = byId.get(p)?.parent;
    }
  }
});

test('places: no two place labels fold alike, and no form carries brackets the matcher cannot use', () => {
  const owner = new Map<string, string>();
  for (const e of entries.filter((x) => x.type === 'place')) {
    const k = foldKey(e.label);
    assert.equal(owner.get(k), undefined, `«${e.label}» of ${e.id} folds like the label of ${owner.get(k)}`);
    owner.set(k, e.id);
    assert.match(e.label, /[\u0621-\u064a]/, `${e.id}: the label is Arabic`);
    for (const a of [...(e.aliases ?? []), ...(e.nisba ?? [])]) {
      assert.ok(!/[()]/.test(a), `${e.id}: form «${a}» has brackets`);
    }
  }
});

test('places: coverage of sovereign states, territories, and the size of the list', () => {
  // ISO 3166-1 codes of the 193 UN member states, plus the two observer states (VA, PS).
  const states =
    'AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD CL CN CO KM CG CD ' +
    'CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ ' +
    'IE IL IT JM JP JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM ' +
    'NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ' +
    'ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY UZ VU VE VN YE ZM ZW VA PS';
  const codes = states.split(' ');
  assert.equal(codes.length, 195);
  for (const c of codes) get(`place-${c.toLowerCase()}`);
  for (const c of ['EH', 'TW', 'HK', 'XK', 'PR', 'GL']) get(`place-${c.toLowerCase()}`);
  const places = entries.filter((e) => e.type === 'place');
  assert.ok(places.length > 2000, `${places.length} place entries`);
});

interface Expectation {
  id: string;
  label?: string;
  aliases?: string[];
  nisba?: string[];
  parent?: string;
  chainTo?: string;
  ambiguous?: boolean;
}

const expected: Expectation[] = [
  { id: 'place-eg', label: 'مصر', nisba: ['المصرية', 'المصريين', 'مصري', 'مصريا'] },
  { id: 'place-sa', label: 'السعودية', aliases: ['المملكة العربية السعودية'], nisba: ['السعودي', 'السعوديون'] },
  { id: 'place-sa-riyadh', label: 'الرياض', parent: 'place-sa-riyadh-region', chainTo: 'place-sa', ambiguous: true },
  { id: 'place-sa-jeddah', label: 'جدة', chainTo: 'place-sa-makkah-region', ambiguous: true },
  { id: 'place-sa-khobar', label: 'الخبر', ambiguous: true },
  { id: 'place-ps-gaza-strip', label: 'قطاع غزة', aliases: ['غزة'], nisba: ['الغزيين'], chainTo: 'place-ps' },
  { id: 'place-ps-gaza', label: 'مدينة غزة', chainTo: 'place-ps-gaza-strip' },
  { id: 'place-ps-rafah-crossing', label: 'معبر رفح', chainTo: 'place-ps-gaza-strip' },
  { id: 'place-ps-al-aqsa', label: 'المسجد الأقصى', chainTo: 'place-ps-jerusalem' },
  { id: 'place-ps-west-bank', label: 'الضفة الغربية' },
  { id: 'place-us', label: 'الولايات المتحدة', aliases: ['أمريكا', 'أميركا', 'الولايات المتحدة الأمريكية'], nisba: ['الأمريكي', 'الأميركية', 'الأمريكيين'] },
  { id: 'place-il', label: 'إسرائيل', nisba: ['الإسرائيلي', 'الإسرائيلية', 'الإسرائيليين'] },
  { id: 'place-qa', label: 'قطر', nisba: ['القطري', 'القطرية'] },
  { id: 'place-ae', label: 'الإمارات', nisba: ['الإماراتي', 'الإماراتية'] },
  { id: 'place-gb', label: 'بريطانيا', aliases: ['المملكة المتحدة'], nisba: ['البريطاني', 'البريطانية'] },
  { id: 'place-it', label: 'إيطاليا', aliases: ['ايطاليا'] },
  { id: 'place-om', label: 'سلطنة عمان', aliases: ['عمان'], ambiguous: true },
  { id: 'place-jo-amman', label: 'عمان', chainTo: 'place-jo', ambiguous: true },
  { id: 'place-lb-tyre', label: 'صور', ambiguous: true },
  { id: 'place-eg-qena', label: 'قنا', ambiguous: true },
  { id: 'place-eg-matrouh-governorate', aliases: ['مطروح'], ambiguous: true },
  { id: 'place-suez-canal', label: 'قناة السويس', chainTo: 'place-eg' },
  { id: 'place-middle-east', label: 'الشرق الأوسط' },
  { id: 'place-dz-oran', label: 'وهران', parent: 'place-dz-oran-province', chainTo: 'place-dz' },
  { id: 'place-ma-casablanca', label: 'الدار البيضاء', chainTo: 'place-ma' },
  { id: 'place-us-washington', label: 'واشنطن', chainTo: 'place-us', ambiguous: false },
  // from CLDR at build time
  { id: 'place-fr-paris', label: 'باريس', chainTo: 'place-fr' },
  { id: 'place-cd', aliases: ['الكونغو كينشاسا'] },
  { id: 'place-bv', label: 'جزيرة بوفيه' },
  { id: 'place-africa', label: 'أفريقيا' },
];

for (const x of expected) {
  test(`entry ${x.id}`, () => {
    const e = get(x.id);
    assert.equal(e.type, 'place');
    if (x.label !== undefined) assert.equal(e.label, x.label);
    for (const a of x.aliases ?? []) assert.ok(e.aliases?.includes(a), `${x.id} has alias ${a}`);
    for (const n of x.nisba ?? []) assert.ok(e.nisba?.includes(n), `${x.id} has nisba ${n}`);
    if (x.parent !== undefined) assert.equal(e.parent, x.parent);
    if (x.chainTo !== undefined) assert.ok(chain(x.id).includes(x.chainTo), `${x.id} → … → ${x.chainTo}: ${chain(x.id).join(' → ')}`);
    if (x.ambiguous !== undefined) assert.equal(e.ambiguous === true, x.ambiguous);
  });
}

test('the build is deterministic and reports no errors', () => {
  const a = buildDefaultVocabulary();
  const b = buildDefaultVocabulary();
  assert.deepEqual(a.errors, []);
  assert.equal(serialise(a.entries), serialise(b.entries));
  for (const name of ['cldr-localenames-full', 'cldr-dates-full', 'cldr-bcp47']) assert.match(a.cldrVersions[name] ?? '', /^\d+\./);
});

test('source lines: broken JSON, unknown fields and missing ids are errors naming file and line', () => {
  const errors: BuildIssue[] = [];
  const text = [
    '{"id":"place-x","label":"مكان","type":"place"}',
    '',
    '{"id":"place-y","label":"مكان آخر","type":"place",}',
    '{"id":"place-z","label":"ثالث","type":"place","capital":true}',
    '{"label":"بلا معرف","type":"place"}',
    '{"id":"place-w","label":"رابع","type":"city"}',
    '{"id":"place-v","label":"خامس","type":"place","ambiguous":true}',
  ].join('\n');
  const ok = parseSourceFile(text, 'vocab/t.jsonl', errors);
  assert.deepEqual(
    ok.map((e) => e.id),
    ['place-x'],
  );
  assert.deepEqual(
    errors.map((e) => e.source),
    ['vocab/t.jsonl:3', 'vocab/t.jsonl:4', 'vocab/t.jsonl:5', 'vocab/t.jsonl:6', 'vocab/t.jsonl:7'],
  );
  assert.match(errors[1]!.message, /unknown field "capital"/);
  assert.match(errors[4]!.message, /needs a note/);
});

test('CLDR names: a bracketed gloss and a spaced dash become separate forms', () => {
  assert.deepEqual(cldrNameForms('ميانمار (بورما)'), ['ميانمار', 'بورما']);
  assert.deepEqual(cldrNameForms('الكونغو - كينشاسا'), ['الكونغو كينشاسا']);
  assert.deepEqual(cldrNameForms('هونغ كونغ الصينية (منطقة إدارية خاصة)'), ['هونغ كونغ الصينية']);
});

test('a vocabulary with a duplicate id or a missing parent fails to build; CLDR fills in what it lacks', () => {
  const root = mkdtempSync(join(tmpdir(), 'wasim-vocab-'));
  try {
    mkdirSync(join(root, 'vocab'));
    writeFileSync(
      join(root, 'vocab', 'cldr-import.json'),
      JSON.stringify({ excludeTerritories: [], regions: {}, excludeZones: [], zoneIds: {}, zoneCountries: {}, rejectNames: {} }),
    );
    writeFileSync(
      join(root, 'vocab', 'a.jsonl'),
      '{"id":"place-eg","label":"مصر","type":"place"}\n{"id":"place-eg-x","label":"مدينة","type":"place","parent":"place-eg-nowhere"}\n',
    );
    writeFileSync(join(root, 'vocab', 'b.jsonl'), '{"id":"place-eg","label":"مصر","type":"place"}\n');
    const cldr = {
      territories: { EG: 'مصر', FR: 'فرنسا', 'CD-alt-variant': 'جمهورية الكونغو الديمقراطية', CD: 'الكونغو - كينشاسا' },
      zones: [
        { zone: 'Africa/Cairo', country: 'EG', city: 'القاهرة' },
        { zone: 'Europe/Paris', country: 'FR', city: 'باريس' },
      ],
      versions: {},
    };
    const r = buildDefaultVocabulary({ root, cldr });
    const messages = r.errors.map((e) => e.message).join('\n');
    assert.match(messages, /duplicate id place-eg/);
    assert.match(messages, /parent place-eg-nowhere does not exist/);
    const ids = r.entries.map((e) => e.id);
    assert.deepEqual(ids, ['place-cd', 'place-eg', 'place-eg-cairo', 'place-eg-x', 'place-fr', 'place-fr-paris']);
    const cd = r.entries.find((e) => e.id === 'place-cd')!;
    assert.equal(cd.label, 'الكونغو كينشاسا');
    assert.deepEqual(cd.aliases, ['جمهورية الكونغو الديمقراطية']);
    assert.equal(r.entries.find((e) => e.id === 'place-fr-paris')!.parent, 'place-fr');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
