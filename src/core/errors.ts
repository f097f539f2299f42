/**
 * The one catalogue of error codes. CLI, server and storage raise WasimError with one of these
 * codes; the HTTP status, the CLI exit code, the default message and its Arabic wording (what
 * the newsroom shows) come from here, and so do the message templates: a call site names a
 * template and gives its parameters (`WasimError.of('FILE_NOT_FOUND', 'noSuchFile', { path })`),
 * and both languages are filled from the same parameters, as fastify's createError fills its
 * `%s` templates. docs/errors.md is checked against this table by a test
 * (src/server/errors-doc.test.ts).
 *
 * Templates name their parameters, `{path}`, because Arabic orders a sentence differently. A
 * parameter is a string or number shown as given in both languages (paths, ids, option names,
 * numbers), or `{ en, ar }` for a word that is translated (a reason, a list of choices).
 */

/**
 * CLI exit codes, one per class of error (docs/errors.md, «Exit codes»). 1 is a run that went to
 * the end with some input lines failed (each reported), not an error class.
 */
export const EXIT = {
  OK: 0,
  /** The run finished; some lines or items failed and were reported one by one. */
  PARTIAL: 1,
  /** Bad options, arguments or settings: nothing was done. */
  USAGE: 2,
  /** The input (article, file, gold standard, decisions) cannot be read or is refused. */
  INPUT: 3,
  /** The vocabulary or a learned model cannot be read. */
  VOCABULARY: 4,
  /** The output cannot be written. */
  OUTPUT: 5,
  /** A remote service or source failed: a web server, feed, message bus, the tagging service. */
  REMOTE: 6,
  /** Refused by the state of what is stored: not found, a conflict, no permission. */
  REFUSED: 7,
  /** An unexpected failure in wasim itself: a bug to report. */
  INTERNAL: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Localized {
  readonly en: string;
  readonly ar: string;
}

export type ParamValue = string | number | Localized;

interface Template {
  readonly en: string;
  readonly ar: string;
}

interface Entry {
  readonly status: number;
  readonly exit: ExitCode;
  readonly message: string;
  readonly ar: string;
  readonly templates?: Readonly<Record<string, Template>>;
}

export const ERRORS = {
  EMPTY_INPUT: { status: 400, exit: EXIT.INPUT, message: 'The article has no text: title and body are both empty.', ar: 'لا نص في المقالة: العنوان والنص كلاهما فارغ.' },
  INPUT_TOO_LARGE: {
    status: 413,
    exit: EXIT.INPUT,
    message: 'The input is larger than the configured limit.',
    ar: 'المدخل أكبر من الحد المضبوط.',
    templates: {
      articleChars: { en: 'The article has {chars} characters; the limit is {limit}.', ar: 'في المقالة {chars} حرفًا، والحد {limit}.' },
      fileBytes: { en: '{path} is {size} bytes; the limit is {limit}', ar: 'حجم {path} {size} بايت، والحد {limit}' },
      requestBody: { en: 'The request body is larger than the limit of {limit} bytes.', ar: 'جسم الطلب أكبر من الحد، وهو {limit} بايت.' },
      messageBytes: { en: 'the message is {size} bytes; the limit is {limit} (--max-bytes)', ar: 'حجم الرسالة {size} بايت، والحد {limit} (--max-bytes)' },
      resultBytes: { en: 'the result is {size} bytes; the bus takes at most {limit}', ar: 'حجم النتيجة {size} بايت، وأقصى ما يقبله الناقل {limit}' },
      vocabularyTokens: { en: 'the vocabulary has more than {limit} distinct tokens', ar: 'في المعجم أكثر من {limit} كلمة مختلفة' },
    },
  },
  NOT_TEXT: {
    status: 400,
    exit: EXIT.INPUT,
    message: 'The input is not text (binary data or invalid characters).',
    ar: 'المدخل ليس نصًا (بيانات ثنائية أو محارف غير صالحة).',
    templates: {
      nulBytes: { en: '{path} contains NUL bytes: it is not a text file', ar: 'في {path} بايتات NUL: ليس ملفًا نصيًا' },
      notUtf8: { en: 'the message is not UTF-8 text', ar: 'الرسالة ليست نصًا بترميز UTF-8' },
    },
  },
  BAD_JSON: {
    status: 400,
    exit: EXIT.INPUT,
    message: 'The input is not valid JSON.',
    ar: 'المدخل ليس JSON صالحًا.',
    templates: {
      invalid: { en: 'invalid JSON ({reason})', ar: 'JSON غير صالح ({reason})' },
      line: { en: '{where}: not valid JSON ({reason})', ar: '{where}: ليس JSON صالحًا ({reason})' },
      file: { en: '{path}: not valid JSON ({reason})', ar: '{path}: ليس JSON صالحًا ({reason})' },
      body: { en: 'The body is not valid JSON: {reason}', ar: 'جسم الطلب ليس JSON صالحًا: {reason}' },
      bodyEmpty: { en: 'The body is empty but the content type says JSON.', ar: 'جسم الطلب فارغ مع أن نوع محتواه JSON.' },
      bodyPlain: { en: 'The body is not valid JSON.', ar: 'جسم الطلب ليس JSON صالحًا.' },
    },
  },
  BAD_ARTICLE: {
    status: 400,
    exit: EXIT.INPUT,
    message: 'An article needs string fields "title" and/or "body".',
    ar: 'تحتاج المقالة إلى حقلين نصيين «title» و/أو «body».',
    templates: {
      fieldsNotStrings: { en: '"title" and "body" must be strings.', ar: 'يجب أن يكون «title» و«body» نصين.' },
      idType: { en: '"id" must be a string or a number.', ar: 'يجب أن يكون «id» نصًا أو رقمًا.' },
      notObject: { en: '{where}: expected an object {"id","title","body"}', ar: '{where}: المتوقع كائن {"id","title","body"}' },
      fieldNotString: { en: '{where}: "{field}" must be a string', ar: '{where}: يجب أن يكون «{field}» نصًا' },
      noText: { en: '{where}: the article has no "title" and no "body" text', ar: '{where}: لا نص في «title» ولا في «body» من المقالة' },
      missingId: { en: '{where}: missing "id"', ar: '{where}: الحقل «id» مفقود' },
      badId: { en: '{where}: "id" must be a non-empty string or an integer', ar: '{where}: يجب أن يكون «id» نصًا غير فارغ أو عددًا صحيحًا' },
      inexactId: { en: '{where}: "id" {literal} is not an integer that can be kept exactly; write the id as a string', ar: '{where}: «id» {literal} عدد لا يُحفظ بدقة؛ اكتب المعرّف نصًا' },
      duplicateId: { en: '{where}: duplicate id "{id}" (first on line {first})', ar: '{where}: المعرّف «{id}» مكرر (ورد أولًا في السطر {first})' },
      emptyFile: { en: '{path}: empty file (no article lines)', ar: '{path}: ملف فارغ (لا أسطر مقالات)' },
    },
  },
  BAD_VOCAB_LINE: {
    status: 400,
    exit: EXIT.VOCABULARY,
    message: 'A vocabulary line could not be read.',
    ar: 'تعذّرت قراءة سطر من المعجم.',
    templates: {
      brokenChars: { en: '{where}: {what} contains control or replacement characters (binary data or a wrong encoding?)', ar: '{where}: في {what} محارف تحكم أو استبدال (بيانات ثنائية أو ترميز خاطئ؟)' },
      emptyLabel: { en: '{where}: empty {what}', ar: '{where}: {what} بلا نص' },
      labelTooLong: { en: '{where}: {what} longer than {max} characters', ar: '{where}: {what} أطول من {max} حرفًا' },
      noLetters: { en: '{where}: {what} "{label}" has no letters or digits', ar: '{where}: {what} «{label}» بلا حروف ولا أرقام' },
      emptyAfterFolding: { en: '{where}: {what} "{label}" is empty after folding', ar: '{where}: لا يبقى من {what} «{label}» شيء بعد التوحيد' },
      notBoolean: { en: '{where}: "{field}" must be true or false, got {value}', ar: '{where}: يجب أن يكون «{field}» true أو false، والمعطى {value}' },
      notList: { en: '{where}: "{field}" must be a list of strings or a "|"-separated string', ar: '{where}: يجب أن يكون «{field}» قائمة نصوص أو نصًا تفصل «|» بين أجزائه' },
      notString: { en: '{where}: "{field}" must be a string', ar: '{where}: يجب أن يكون «{field}» نصًا' },
      missingLabel: { en: '{where}: missing "label" (a string)', ar: '{where}: الحقل «label» (نص) مفقود' },
      unknownType: { en: '{where}: unknown type "{type}" (expected one of {types})', ar: '{where}: نوع غير معروف «{type}» (المتوقع واحد من {types})' },
      strayQuote: { en: '{where}: stray quote inside an unquoted CSV field', ar: '{where}: علامة تنصيص شاردة داخل حقل CSV غير منصَّص' },
      unterminatedQuote: { en: '{where}: unterminated quoted CSV field', ar: '{where}: حقل CSV منصَّص لم يُغلق' },
      noLabelColumn: { en: '{where}: CSV header must name a "label" column (columns: {columns})', ar: '{where}: يجب أن يسمي رأس CSV عمودًا «label» (الأعمدة: {columns})' },
      tooManyFields: { en: '{where}: {fields} fields but the header has {columns}', ar: '{where}: {fields} حقول والرأس فيه {columns}' },
      invalidJson: { en: '{where}: invalid JSON ({reason})', ar: '{where}: JSON غير صالح ({reason})' },
      notEntryObject: { en: '{where}: expected a JSON object with a "label"', ar: '{where}: المتوقع كائن JSON فيه «label»' },
      notEntryList: { en: '{where}: expected a JSON array of entries (or {"entries": [...]})', ar: '{where}: المتوقع مصفوفة JSON من المداخل (أو {"entries": [...]})' },
      entryNotObject: { en: '{where}: entry {n} is not an object', ar: '{where}: المدخل {n} ليس كائنًا' },
      notOneEntry: { en: 'entry: expected one vocabulary entry', ar: 'المدخل: المتوقع مدخل معجم واحد' },
    },
  },
  BAD_VOCAB_FORMAT: {
    status: 400,
    exit: EXIT.VOCABULARY,
    message: 'Unknown vocabulary format; use txt, csv, json or jsonl.',
    ar: 'صيغة معجم غير معروفة؛ استعمل txt أو csv أو json أو jsonl.',
    templates: {
      unknown: { en: '{source}: unknown vocabulary format "{format}" (use txt, csv, json or jsonl)', ar: '{source}: صيغة معجم غير معروفة «{format}» (استعمل txt أو csv أو json أو jsonl)' },
      compiledHasNoEntries: { en: '{path} is a compiled vocabulary; it has no entries to read', ar: '{path} معجم مترجَم؛ لا مداخل فيه تُقرأ' },
      serviceNeedsEntries: { en: "{path}: the service needs the vocabulary's entries, not a compiled file.", ar: '{path}: تحتاج الخدمة إلى مداخل المعجم، لا إلى ملف مترجَم.' },
      sayFormat: { en: 'Say which format the body is in: ?format=txt|csv|json|jsonl.', ar: 'حدّد صيغة جسم الطلب: ?format=txt|csv|json|jsonl.' },
      exportAs: { en: 'Export as {choices}.', ar: 'صدّر بصيغة {choices}.' },
      importAs: { en: 'Choose {choices}.', ar: 'اختر {choices}.' },
    },
  },
  EMPTY_VOCAB: {
    status: 400,
    exit: EXIT.VOCABULARY,
    message: 'The vocabulary has no usable entries.',
    ar: 'لا مداخل صالحة في المعجم.',
    templates: {
      noEntries: { en: '{path}: the vocabulary has no entries', ar: '{path}: لا مداخل في المعجم' },
      defaultMissing: { en: 'The default vocabulary is missing: run `npm run build`.', ar: 'المعجم الافتراضي غير موجود: شغّل `npm run build`.' },
      importEmpty: { en: 'The imported vocabulary is empty.', ar: 'المعجم المستورد فارغ.' },
      importNoEntries: { en: 'The imported vocabulary has no entries.', ar: 'لا مداخل في المعجم المستورد.' },
    },
  },
  BAD_COMPILED_VOCAB: {
    status: 400,
    exit: EXIT.VOCABULARY,
    message: 'The compiled vocabulary file is damaged or of another version.',
    ar: 'ملف المعجم المترجَم تالف أو من إصدار آخر.',
    templates: {
      notCompiled: { en: '{path} is no compiled vocabulary wasim can read: {reason} (compile a source vocabulary with `wasim vocab compile`)', ar: '{path} ليس معجمًا مترجَمًا يقرؤه واسم: {reason} (ترجِم المعجم المصدر بالأمر `wasim vocab compile`)' },
      unknownForm: { en: 'neither a compiled vocabulary (a binary file that starts with WASIM-CV) nor the JSON of an older version', ar: 'ليس معجمًا مترجَمًا (ملفًا ثنائيًا يبدأ بـ WASIM-CV) ولا JSON إصدار أقدم' },
      jsonNotCompiled: { en: 'JSON, but not a compiled vocabulary ("format" is not "wasim-compiled")', ar: 'JSON لكنه ليس معجمًا مترجَمًا (قيمة «format» ليست «wasim-compiled»)' },
      jsonVersion: { en: 'JSON of version {version}: this wasim reads JSON of versions 1 to 3 and binary files of version {current}', ar: 'JSON من الإصدار {version}: يقرأ واسم هذا JSON الإصدارات 1 إلى 3 والملفات الثنائية من الإصدار {current}' },
      legacyDamaged: { en: 'the JSON of version {version} is damaged ({part})', ar: 'JSON الإصدار {version} تالف ({part})' },
      legacyMalformed: { en: 'the JSON of version {version} is damaged: a field is missing or of the wrong kind', ar: 'JSON الإصدار {version} تالف: حقل مفقود أو من نوع خاطئ' },
      binaryVersion: { en: 'version {version}: this wasim reads binary files of version {current} (and JSON of versions 1 to 3); a newer wasim may have written it', ar: 'الإصدار {version}: يقرأ واسم هذا الملفات الثنائية من الإصدار {current} (وJSON الإصدارات 1 إلى 3)؛ لعل إصدارًا أحدث من واسم كتبه' },
      tooShort: { en: '{size} bytes: too short for a compiled vocabulary (at least {min})', ar: '{size} بايت: أقصر من أن يكون معجمًا مترجَمًا (أقله {min})' },
      checksum: { en: 'the checksum does not match (stored {stored}, computed {computed}): the file was changed or damaged after it was written', ar: 'المجموع الاختباري لا يطابق (المخزَّن {stored} والمحسوب {computed}): تغيّر الملف أو تلف بعد كتابته' },
      headerCutOff: { en: 'the header of {length} bytes runs past the end of the file ({size} bytes)', ar: 'الترويسة ({length} بايت) تتجاوز نهاية الملف ({size} بايت)' },
      headerNotJson: { en: 'the header is not UTF-8 JSON', ar: 'الترويسة ليست JSON بترميز UTF-8' },
      headerField: { en: 'header field "{field}" is missing or damaged', ar: 'الحقل «{field}» من الترويسة مفقود أو تالف' },
      sectionsLength: { en: 'the sections take {actual} bytes, the header says {expected}: the file is cut off or has bytes added', ar: 'تشغل الأقسام {actual} بايت والترويسة تقول {expected}: الملف مقطوع أو زيدت فيه بايتات' },
      sectionMissing: { en: 'section {section} is missing', ar: 'القسم {section} مفقود' },
      sectionPlace: { en: 'section {section} (offset {offset}, {bytes} bytes) lies outside the {length} bytes of sections or is not aligned to 4', ar: 'القسم {section} (الإزاحة {offset}، {bytes} بايت) خارج الأقسام ({length} بايت) أو غير محاذٍ لأربعة' },
      sectionWidth: { en: 'section {section}: {bytes} bytes are no whole number of values of width {width} (1, 2 or 4 bytes)', ar: 'القسم {section}: {bytes} بايت لا تنقسم قيمًا بعرض {width} (1 أو 2 أو 4 بايت)' },
      stringLengths: { en: 'section {section}: the string lengths add up to {total} code units, but the section holds {units}', ar: 'القسم {section}: مجموع أطوال النصوص {total} وحدة ترميز، والقسم يحوي {units}' },
      stringEscapes: { en: 'section {section}: the list of strings kept in the header is damaged (entry {index})', ar: 'القسم {section}: قائمة النصوص المحفوظة في الترويسة تالفة (المدخل {index})' },
      columnLength: { en: 'section {section} has {actual} values; {expected} expected', ar: 'في القسم {section} {actual} قيمة، والمتوقع {expected}' },
      outOfRange: { en: 'section {section}: value {value} at index {index} is out of range ({min} to {max})', ar: 'القسم {section}: القيمة {value} في الموضع {index} خارج المدى ({min} إلى {max})' },
      notAscending: { en: 'section {section}: value {value} at index {index} is smaller than the one before it', ar: 'القسم {section}: القيمة {value} في الموضع {index} أصغر من التي قبلها' },
      countsTotal: { en: 'section {section}: the counts add up to {total}, but section {other} holds {actual} values', ar: 'القسم {section}: مجموع الأعداد {total}، والقسم {other} يحوي {actual} قيمة' },
      entityNumbers: { en: 'section {section}: entity number {value} at index {index} is neither an earlier number nor the next new one', ar: 'القسم {section}: رقم الكيان {value} في الموضع {index} ليس رقمًا سابقًا ولا الرقم الجديد التالي' },
      tokenCount: { en: 'the header says {tokens} tokens, more than the {strings} strings of section strings', ar: 'تقول الترويسة إن الكلمات {tokens}، وهذا أكثر من نصوص القسم strings وعددها {strings}' },
      tokenRepeats: { en: 'token {index} repeats token {first}', ar: 'الكلمة {index} تكرار للكلمة {first}' },
      unlistedPattern: { en: 'section {section}: pattern {pattern} is listed, but its {column} is empty', ar: 'القسم {section}: النمط {pattern} مدرج، لكن {column} فيه فارغ' },
      trie: { en: 'section {section}: the trie is damaged at index {index}', ar: 'القسم {section}: شجرة الأنماط تالفة عند الموضع {index}' },
    },
  },
  FILE_NOT_FOUND: {
    status: 404,
    exit: EXIT.INPUT,
    message: 'File not found.',
    ar: 'الملف غير موجود.',
    templates: {
      noSuchFile: { en: '{path}: no such file', ar: '{path}: لا ملف بهذا الاسم' },
      isDirectory: { en: '{path} is a directory, not a file', ar: '{path} مجلد لا ملف' },
      unreadable: { en: '{path}: {reason}', ar: '{path}: {reason}' },
      configFile: { en: 'WASIM_CONFIG: {path}: no such file', ar: 'WASIM_CONFIG: {path}: لا ملف بهذا الاسم' },
      noSuchFeedFile: { en: '{path}: no such file (give a feed URL starting with http:// or https://, or a feed file).', ar: '{path}: لا ملف بهذا الاسم (أعطِ رابط موجز يبدأ بـ http:// أو https://، أو ملف موجز).' },
    },
  },
  OUTPUT_FAILED: {
    status: 500,
    exit: EXIT.OUTPUT,
    message: 'The output could not be written.',
    ar: 'تعذّرت كتابة المخرجات.',
    templates: {
      cannotWrite: { en: 'cannot write {target}: {reason}', ar: 'تعذّرت الكتابة إلى {target}: {reason}' },
    },
  },
  USAGE: {
    status: 400,
    exit: EXIT.USAGE,
    message: 'Invalid command-line usage.',
    ar: 'استعمال غير صحيح لسطر الأوامر.',
    templates: {
      wholeNumber: { en: '{option} must be a whole number ≥ {min}, got "{value}"', ar: 'يجب أن يكون {option} عددًا صحيحًا ≥ {min}، والمعطى «{value}»' },
      atMost: { en: '{option} must be at most {max}, got "{value}"', ar: 'يجب ألا يزيد {option} على {max}، والمعطى «{value}»' },
      score: { en: '{option} must be a number between 0 and 1, got "{value}"', ar: 'يجب أن يكون {option} عددًا بين 0 و1، والمعطى «{value}»' },
      aboveZero: { en: '{option} must be a number above 0, got "{value}"', ar: 'يجب أن يكون {option} عددًا أكبر من 0، والمعطى «{value}»' },
      oneOf: { en: '{option} must be {choices}, got "{value}"', ar: 'يجب أن يكون {option} {choices}، والمعطى «{value}»' },
      isoDate: { en: '{option} must be an ISO 8601 date, got "{value}"', ar: 'يجب أن يكون {option} تاريخًا بصيغة ISO 8601، والمعطى «{value}»' },
      required: { en: '{option} is required', ar: '{option} مطلوب' },
      goesWith: { en: '{option} goes with {other}', ar: '{option} لا يُستعمل إلا مع {other}' },
      goTogether: { en: '{option} and {other} go together', ar: '{option} و{other} يُستعملان معًا' },
      mustDiffer: { en: '{option} and {other} must differ', ar: 'يجب أن يختلف {option} عن {other}' },
      onlyWith: { en: '{option} only applies with {other}', ar: 'لا ينطبق {option} إلا مع {other}' },
      tagInputNeedsOutput: { en: '--input needs --output (a file, or - for stdout)', ar: '--input يحتاج إلى --output (ملف، أو - للمخرج القياسي)' },
      tagFileOrInput: { en: 'give either FILE or --input, not both', ar: 'أعطِ FILE أو --input، لا كليهما' },
      tagNothingToRead: { en: 'give an article FILE, - for standard input, or --input IN.jsonl --output OUT.jsonl', ar: 'أعطِ ملف مقالة FILE، أو - للمدخل القياسي، أو --input IN.jsonl --output OUT.jsonl' },
      compiledNotSource: { en: '{path} is compiled; give the source vocabulary', ar: '{path} مترجَم؛ أعطِ المعجم المصدر' },
      referenceTaggersNeedSource: { en: '{path} is a compiled vocabulary: the reference taggers need its source file', ar: '{path} معجم مترجَم: تحتاج الواسمات المرجعية إلى ملفه المصدر' },
      taggerNeedsEntries: { en: "the {tagger} tagger needs a vocabulary's entries, not a compiled vocabulary", ar: 'يحتاج الواسم {tagger} إلى مداخل المعجم، لا إلى معجم مترجَم' },
      wasimNeedsVocabulary: { en: 'the wasim tagger needs a vocabulary', ar: 'يحتاج الواسم wasim إلى معجم' },
      taggerName: { en: '--tagger needs a name: wasim, substring, wholeword or all', ar: '--tagger يحتاج إلى اسم: wasim أو substring أو wholeword أو all' },
      unknownTagger: { en: 'unknown tagger "{name}" (use wasim, substring, wholeword or all)', ar: 'واسم غير معروف «{name}» (استعمل wasim أو substring أو wholeword أو all)' },
      evalInput: { en: '--input {file} is required', ar: '--input {file} مطلوب' },
      evalGold: { en: '--gold GOLD.jsonl is required', ar: '--gold GOLD.jsonl مطلوب' },
      optimizeMentions: { en: '--optimize tunes the tag cut; mention mode has none', ar: '--optimize يضبط حد الوسوم، ولا حد في وضع الإشارات' },
      optimizeNeedsWasim: { en: '--optimize tunes the wasim tagger; use --tagger wasim or all', ar: '--optimize يضبط الواسم wasim؛ استعمل --tagger wasim أو all' },
      discoverInput: { en: '--input IN.jsonl is required (an archive: one {"id","title","body","date"?} a line)', ar: '--input IN.jsonl مطلوب (أرشيف: كائن {"id","title","body","date"?} في كل سطر)' },
      discoverInputFile: { en: '--input needs a file: discovery reads the archive twice', ar: '--input يحتاج إلى ملف: الاستكشاف يقرأ الأرشيف مرتين' },
      learnSource: { en: 'give --decisions FILE, or --gold GOLD.jsonl with --input ARTICLES.jsonl', ar: 'أعطِ --decisions FILE، أو --gold GOLD.jsonl مع --input ARTICLES.jsonl' },
      learnOutput: { en: '--output model.json is required (- for standard output)', ar: '--output model.json مطلوب (- للمخرج القياسي)' },
      siteRequired: { en: '--site URL is required', ar: '--site URL مطلوب' },
      subjectRequired: { en: '--subject SUBJECT is required: where the articles are published', ar: '--subject SUBJECT مطلوب: حيث تُنشر المقالات' },
      publishRequired: { en: '--publish SUBJECT is required: where the results go', ar: '--publish SUBJECT مطلوب: حيث تذهب النتائج' },
      notSubject: { en: '{option}: "{subject}" is not a NATS subject', ar: '{option}: «{subject}» ليس موضوع NATS' },
      notPlainSubject: { en: '{option}: "{subject}" is not a NATS subject without wildcards', ar: '{option}: «{subject}» ليس موضوع NATS بلا أحرف بدل' },
      wildcardNeedsDeadLetter: { en: '--subject {subject} has wildcards: name the dead-letter subject with --dead-letter', ar: 'في --subject {subject} أحرف بدل: سمِّ موضوع الرسائل الميتة بـ --dead-letter' },
      readsOwnOutput: { en: '{option} {subject} is inside --subject {input}: the consumer would read its own output', ar: '{option} {subject} داخل --subject {input}: سيقرأ المستهلك مخرجاته' },
      notName: { en: '{option}: "{value}" is not a {what} name (letters, digits, _ and -)', ar: '{option}: «{value}» ليس اسم {what} (حروف وأرقام و_ و-)' },
      natsServerMissing: { en: '--nats needs a server URL, e.g. nats://127.0.0.1:4222', ar: '--nats يحتاج إلى رابط خادم، مثل nats://127.0.0.1:4222' },
      natsServerUrl: { en: '--nats: "{value}" is not a NATS server URL (nats://host:port)', ar: '--nats: «{value}» ليس رابط خادم NATS (nats://host:port)' },
      durableTaken: { en: 'consumer {durable} on stream {stream} reads {filter}, not {subject}: choose another --durable', ar: 'المستهلك {durable} على التدفق {stream} يقرأ {filter} لا {subject}: اختر --durable آخر' },
      workerNeedsPostgres: { en: 'wasim worker takes jobs from PostgreSQL: set DATABASE_URL=postgres://…. On SQLite the service runs its jobs itself.', ar: 'يأخذ wasim worker المهام من PostgreSQL: اضبط DATABASE_URL=postgres://…. ومع SQLite تشغّل الخدمة مهامها بنفسها.' },
      sqlitePath: { en: 'DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/wasim.db', ar: 'DATABASE_URL «sqlite:» يحتاج إلى مسار ملف، مثل sqlite:./data/wasim.db' },
      databaseUrl: { en: 'Unsupported DATABASE_URL "{url}": use sqlite:PATH or postgres://…', ar: 'DATABASE_URL غير مدعوم «{url}»: استعمل sqlite:PATH أو postgres://…' },
      schemaName: { en: 'Invalid PostgreSQL schema name "{schema}" in DATABASE_URL.', ar: 'اسم مخطط PostgreSQL غير صالح «{schema}» في DATABASE_URL.' },
      settingInteger: { en: '{source}: expected an integer from {min} to {max}, got {value}', ar: '{source}: المتوقع عدد صحيح من {min} إلى {max}، والمعطى {value}' },
      settingNumber: { en: '{source}: expected a number, got {value}', ar: '{source}: المتوقع عدد، والمعطى {value}' },
      settingSize: { en: '{source}: expected a size such as 2097152 or "2mb", got {value}', ar: '{source}: المتوقع حجم مثل 2097152 أو «2mb»، والمعطى {value}' },
      settingBoolean: { en: '{source}: expected true or false, got {value}', ar: '{source}: المتوقع true أو false، والمعطى {value}' },
      settingString: { en: '{source}: expected a non-empty string, got {value}', ar: '{source}: المتوقع نص غير فارغ، والمعطى {value}' },
      settingOneOf: { en: '{source}: expected one of {choices}, got {value}', ar: '{source}: المتوقع واحد من {choices}، والمعطى {value}' },
      settingToken: { en: '{source}: the token must be at least 16 characters long', ar: '{source}: يجب ألا يقل الرمز عن 16 محرفًا' },
      settingRateLimit: { en: '{source}: expected false or {"max": N, "windowMs": MS}', ar: '{source}: المتوقع false أو {"max": N, "windowMs": MS}' },
      settingUnknown: { en: '{source}: unknown setting "{key}"', ar: '{source}: إعداد غير معروف «{key}»' },
      settingsObject: { en: '{source}: expected a JSON object of settings', ar: '{source}: المتوقع كائن JSON من الإعدادات' },
    },
  },
  BAD_GOLD: {
    status: 400,
    exit: EXIT.INPUT,
    message: 'A gold-standard line could not be read.',
    ar: 'تعذّرت قراءة سطر من المعيار الذهبي.',
    templates: {
      notObject: { en: '{where}: expected an object {"id","tags":[…]}', ar: '{where}: المتوقع كائن {"id","tags":[…]}' },
      missingTags: { en: '{where}: missing "tags"', ar: '{where}: الحقل «tags» مفقود' },
      tagsNotArray: { en: '{where}: "tags" must be an array', ar: '{where}: يجب أن يكون «tags» مصفوفة' },
      tagNotString: { en: '{where}: {at}: "tag" must be a string', ar: '{where}: {at}: يجب أن يكون «tag» نصًا' },
      badLabel: { en: '{where}: {at}: "label" must be "must", "ok" or "no"', ar: '{where}: {at}: يجب أن يكون «label» «must» أو «ok» أو «no»' },
      badEntity: { en: '{where}: {at}: "entity" must be a non-empty string', ar: '{where}: {at}: يجب أن يكون «entity» نصًا غير فارغ' },
      badTag: { en: '{where}: {at}: expected a tag string or {"tag","label","entity"}', ar: '{where}: {at}: المتوقع نص وسم أو {"tag","label","entity"}' },
      emptyTag: { en: '{where}: {at}: empty tag', ar: '{where}: {at}: وسم فارغ' },
      judgedTwice: { en: '{where}: {at}: "{tag}" is judged twice differently (as "{earlier}": {judged})', ar: '{where}: {at}: «{tag}» حُكم عليه مرتين بحكمين مختلفين (بصيغة «{earlier}»: {judged})' },
      mentionsNotObject: { en: '{where}: expected an object {"id","mentions":[…]}', ar: '{where}: المتوقع كائن {"id","mentions":[…]}' },
      mentionsNotArray: { en: '{where}: "mentions" must be an array of {"start","end","tag"}', ar: '{where}: يجب أن يكون «mentions» مصفوفة من {"start","end","tag"}' },
      badMention: { en: '{where}: each mention needs integer "start" ≤ "end" and a string "tag"', ar: '{where}: تحتاج كل إشارة إلى عددين صحيحين «start» ≤ «end» ونص «tag»' },
      missingId: { en: '{where}: missing "id"', ar: '{where}: الحقل «id» مفقود' },
      badId: { en: '{where}: "id" must be a non-empty string or an integer', ar: '{where}: يجب أن يكون «id» نصًا غير فارغ أو عددًا صحيحًا' },
      inexactId: { en: '{where}: "id" {literal} is not an integer that can be kept exactly; write the id as a string', ar: '{where}: «id» {literal} عدد لا يُحفظ بدقة؛ اكتب المعرّف نصًا' },
      duplicateId: { en: '{where}: duplicate id "{id}" (first on line {first})', ar: '{where}: المعرّف «{id}» مكرر (ورد أولًا في السطر {first})' },
      emptyFile: { en: '{path}: empty file (no gold lines)', ar: '{path}: ملف فارغ (لا أسطر في المعيار الذهبي)' },
      nothingToLearn: { en: '{gold}: no gold id matches an article id in {input}; nothing to learn from', ar: '{gold}: لا معرّف في المعيار الذهبي يطابق معرّف مقالة في {input}؛ لا شيء يُتعلَّم منه' },
      nothingToScore: { en: 'no gold id matches an article id in {input}; nothing to score', ar: 'لا معرّف في المعيار الذهبي يطابق معرّف مقالة في {input}؛ لا شيء يُقيَّم' },
    },
  },
  VALIDATION: {
    status: 400,
    exit: EXIT.USAGE,
    message: 'The request does not match the schema.',
    ar: 'الطلب لا يطابق المخطط المطلوب.',
    templates: {
      isoDate: { en: '{field} must be an ISO 8601 date such as 2024-05-01 or 2024-05-01T09:30:00Z, got {value}.', ar: 'يجب أن يكون {field} تاريخًا بصيغة ISO 8601 مثل 2024-05-01 أو 2024-05-01T09:30:00Z، والمعطى {value}.' },
      idTooLarge: { en: '"id" is a number beyond {max}, which JSON numbers do not keep exactly; send the id as a string.', ar: '«id» عدد يتجاوز {max}، ولا تحفظه أعداد JSON بدقة؛ أرسل المعرّف نصًا.' },
      idAndExternalId: { en: '"id" and "externalId" name the same thing and differ; send one of them.', ar: '«id» و«externalId» يسميان الشيء نفسه ويختلفان؛ أرسل أحدهما.' },
      emptyBatch: { en: 'The batch is empty.', ar: 'الدفعة فارغة.' },
      acceptedAndRejected: { en: 'Tag "{tag}" is both {first} and {second} in one request.', ar: 'الوسم «{tag}» {first} و{second} في طلب واحد.' },
      nothingToDo: { en: 'Nothing to do: give tags to "accept", "reject" or "add".', ar: 'لا شيء يُفعل: أعطِ وسومًا في «accept» أو «reject» أو «add».' },
      entryKeepsId: { en: 'An entry keeps its id; merge it into another entry instead.', ar: 'يحتفظ المدخل بمعرّفه؛ ادمجه في مدخل آخر بدلًا من ذلك.' },
      feedUrl: { en: 'url must be an http or https URL, got {value}.', ar: 'يجب أن يكون url رابط http أو https، والمعطى {value}.' },
      feedUrlScheme: { en: 'url must be an http or https URL.', ar: 'يجب أن يكون url رابط http أو https.' },
      feedInterval: { en: 'intervalMinutes must be a whole number from 1 to 1440.', ar: 'يجب أن يكون intervalMinutes عددًا صحيحًا من 1 إلى 1440.' },
      cursor: { en: 'querystring/cursor is not a cursor this service gave out.', ar: 'querystring/cursor ليس مؤشرًا أعطته هذه الخدمة.' },
      resetWhat: { en: 'Say what to reset: one of "tag" (with "form" optionally), "weights", "cut" or "all".', ar: 'حدّد ما يُعاد ضبطه: واحد من «tag» (و«form» اختياريًا) أو «weights» أو «cut» أو «all».' },
      formGoesWithTag: { en: '"form" goes with "tag".', ar: '«form» لا يُستعمل إلا مع «tag».' },
      resetValues: { en: '"weights", "cut" and "all" take true; "tag" a tag id or label.', ar: '«weights» و«cut» و«all» تأخذ true، و«tag» معرّف وسم أو تسميته.' },
      resetWhatShort: { en: 'Say what to reset.', ar: 'حدّد ما يُعاد ضبطه.' },
      passwordTooShort: { en: 'The password is too short: at least {min} characters.', ar: 'كلمة المرور قصيرة: {min} محارف على الأقل.' },
      passwordTooLong: { en: 'The password is too long: at most {max} characters.', ar: 'كلمة المرور طويلة: {max} محرفًا على الأكثر.' },
      username: { en: 'Invalid username {value}: 1–64 letters, digits, ".", "_", "-" or "@".', ar: 'اسم مستخدم غير صالح {value}: من 1 إلى 64 من الحروف والأرقام و«.» و«_» و«-» و«@».' },
      role: { en: 'Unknown role {value}: use admin, editor or viewer.', ar: 'دور غير معروف {value}: استعمل admin أو editor أو viewer.' },
      unknownJobKind: { en: 'No worker here knows the job kind "{kind}".', ar: 'لا عامل هنا يعرف نوع المهمة «{kind}».' },
      tagNeedsLabel: { en: 'A tag needs a label.', ar: 'يحتاج الوسم إلى تسمية.' },
      newTagNeedsLabel: { en: 'The new tag needs a label.', ar: 'يحتاج الوسم الجديد إلى تسمية.' },
      unknownType: { en: 'Unknown type "{type}".', ar: 'نوع غير معروف «{type}».' },
      sayWhichTag: { en: 'Say which tag.', ar: 'حدّد الوسم.' },
      sayWhichTagToAdd: { en: 'Say which tag to add.', ar: 'حدّد الوسم الذي يُضاف.' },
      sayAcceptOrReject: { en: 'Say which tag to accept or reject.', ar: 'حدّد الوسم الذي يُقبل أو يُرفض.' },
      chooseArticle: { en: 'Choose at least one article.', ar: 'اختر مقالة واحدة على الأقل.' },
      sayMerge: { en: 'Say which entry to merge into which.', ar: 'حدّد المدخل الذي يُدمج والمدخل الذي يُدمج فيه.' },
      reviewAction: { en: 'action must be accept, reject, accept-all, undo, add or create.', ar: 'يجب أن يكون action واحدًا من accept أو reject أو accept-all أو undo أو add أو create.' },
      exportAs: { en: 'Export as {choices}.', ar: 'صدّر بصيغة {choices}.' },
    },
  },
  UNAUTHORIZED: {
    status: 401,
    exit: EXIT.REFUSED,
    message: 'A valid bearer token is required for this action.',
    ar: 'يلزم الدخول أو رمز صالح لهذا الإجراء.',
    templates: {
      noToken: { en: 'This action needs the header "Authorization: Bearer <token>".', ar: 'يحتاج هذا الإجراء إلى الترويسة «Authorization: Bearer <token>».' },
      badToken: { en: 'The bearer token is not valid.', ar: 'الرمز غير صالح.' },
      logInForAccount: { en: 'Log in to see your account.', ar: 'ادخل لترى حسابك.' },
      logInToRead: { en: 'This service requires the token to read: log in first.', ar: 'تطلب هذه الخدمة رمزًا للقراءة: ادخل أولًا.' },
      logInToEdit: { en: 'Log in to edit.', ar: 'ادخل لتحرّر.' },
      logInForVocabulary: { en: 'Log in with the write token to edit the vocabulary.', ar: 'ادخل برمز الكتابة لتحرّر المعجم.' },
    },
  },
  FORBIDDEN: {
    status: 403,
    exit: EXIT.REFUSED,
    message: 'This request is refused: it did not come from this site or its form has expired.',
    ar: 'رُفض الطلب: لم يأتِ من هذا الموقع أو انتهت صلاحية النموذج. أعد تحميل الصفحة وحاول مجددًا.',
    templates: {
      crossOrigin: { en: 'Cross-origin form post refused: {origin} is not {own}.', ar: 'رُفض نموذج من مصدر آخر: {origin} ليس {own}.' },
      staleForm: { en: 'The form has expired or did not come from this site: reload the page and try again.', ar: 'انتهت صلاحية النموذج أو لم يأتِ من هذا الموقع: أعد تحميل الصفحة وحاول مجددًا.' },
    },
  },
  NOT_FOUND: {
    status: 404,
    exit: EXIT.REFUSED,
    message: 'No such resource.',
    ar: 'غير موجود.',
    templates: {
      article: { en: 'No article with id {id}.', ar: 'لا مقالة بالمعرّف {id}.' },
      tag: { en: 'No tag with id "{id}".', ar: 'لا وسم بالمعرّف «{id}».' },
      tagInVocabulary: { en: 'No tag "{ref}" in the vocabulary.', ar: 'لا وسم «{ref}» في المعجم.' },
      tagInVocabularyById: { en: 'No tag with id "{id}" in the vocabulary.', ar: 'لا وسم بالمعرّف «{id}» في المعجم.' },
      articleTag: { en: 'Article {article} has no tag "{ref}" to {action}.', ar: 'ليس في المقالة {article} وسم «{ref}» {action}.' },
      entry: { en: 'No vocabulary entry with id "{id}".', ar: 'لا مدخل في المعجم بالمعرّف «{id}».' },
      entryRef: { en: 'No vocabulary entry "{ref}".', ar: 'لا مدخل في المعجم «{ref}».' },
      parentEntry: { en: 'No vocabulary entry "{ref}" to be the parent.', ar: 'لا مدخل في المعجم «{ref}» ليكون الأصل.' },
      job: { en: 'No job with id {id}.', ar: 'لا مهمة بالمعرّف {id}.' },
      importFile: { en: 'The file of import job {id} is no longer stored.', ar: 'لم يعد ملف مهمة الاستيراد {id} محفوظًا.' },
      feed: { en: 'No feed with id {id}.', ar: 'لا موجز بالمعرّف {id}.' },
      suggestion: { en: 'No suggestion "{id}" (accepted, dismissed, or gone since the last refresh).', ar: 'لا اقتراح «{id}» (قُبل أو استُبعد أو زال منذ آخر تحديث).' },
      learnedTag: { en: 'Nothing learned about the tag "{tag}".', ar: 'لم يُتعلَّم شيء عن الوسم «{tag}».' },
      learnedForm: { en: 'Nothing learned about the tag "{tag}" in the form "{form}".', ar: 'لم يُتعلَّم شيء عن الوسم «{tag}» بالصيغة «{form}».' },
      pair: { en: 'No proposed pair "{id}" (accepted, dismissed, or no longer proposed).', ar: 'لا زوج مقترح «{id}» (قُبل أو استُبعد أو لم يعد مقترحًا).' },
      token: { en: 'You have no live token {id}.', ar: 'لا رمز ساريًا لك بالمعرّف {id}.' },
      user: { en: 'no user "{username}"', ar: 'لا مستخدم «{username}»' },
      font: { en: 'No font {name}.', ar: 'لا خط {name}.' },
    },
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    exit: EXIT.REFUSED,
    message: 'No such route.',
    ar: 'لا توجد صفحة أو مسار بهذا العنوان.',
    templates: {
      page: { en: 'No page {path}.', ar: 'لا صفحة {path}.' },
      route: { en: 'No route {method} {path}.', ar: 'لا مسار {method} {path}.' },
    },
  },
  CONFLICT: {
    status: 409,
    exit: EXIT.REFUSED,
    message: 'The request conflicts with the current state.',
    ar: 'الطلب يتعارض مع الحالة الحالية.',
    templates: {
      importCancelled: { en: 'The import (job {id}) was cancelled.', ar: 'أُلغي الاستيراد (المهمة {id}).' },
      feedListed: { en: 'The feed {url} is already in the list.', ar: 'الموجز {url} في القائمة من قبل.' },
      userExists: { en: 'A user named "{username}" exists already.', ar: 'يوجد مستخدم باسم «{username}» من قبل.' },
      nothingToUndo: { en: 'Nothing to undo for tag "{tag}" on article {article}.', ar: 'لا شيء يُتراجع عنه للوسم «{tag}» في المقالة {article}.' },
      articleConflict: { en: 'The article conflicts with a stored one.', ar: 'تتعارض المقالة مع مقالة محفوظة.' },
      entryExists: { en: 'A vocabulary entry with id "{id}" exists already.', ar: 'يوجد في المعجم مدخل بالمعرّف «{id}» من قبل.' },
      mergeIntoItself: { en: 'A tag cannot be merged into itself.', ar: 'لا يُدمج وسم في نفسه.' },
      jobNotCancellable: { en: 'Job {id} is {status}; only a queued or running job can be cancelled.', ar: 'المهمة {id} حالتها {status}؛ لا تُلغى إلا مهمة منتظرة أو جارية.' },
      jobNotRetryable: { en: 'Job {id} is {status}; only a failed or cancelled job can be retried.', ar: 'المهمة {id} حالتها {status}؛ لا تُعاد إلا مهمة فاشلة أو ملغاة.' },
    },
  },
  BATCH_TOO_LARGE: {
    status: 413,
    exit: EXIT.INPUT,
    message: 'Too many items in one request.',
    ar: 'عناصر كثيرة في طلب واحد.',
    templates: {
      articles: { en: '{count} articles in one request; the limit is {limit}.', ar: '{count} مقالة في طلب واحد، والحد {limit}.' },
    },
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: EXIT.INPUT, message: 'Unsupported content type; send application/json.', ar: 'نوع محتوى غير مدعوم؛ أرسل application/json.' },
  RATE_LIMITED: {
    status: 429,
    exit: EXIT.REMOTE,
    message: 'Too many requests; slow down.',
    ar: 'طلبات كثيرة؛ أبطئ قليلًا وأعد المحاولة لاحقًا.',
    templates: {
      budget: { en: 'Too many requests: at most {max} requests per {window}; retry in {after}.', ar: 'طلبات كثيرة: {max} طلبًا على الأكثر في كل {window}؛ أعد المحاولة بعد {after}.' },
    },
  },
  INTERNAL: {
    status: 500,
    exit: EXIT.INTERNAL,
    message: 'Internal error.',
    ar: 'خطأ داخلي.',
    templates: {
      unexpected: { en: '{reason}', ar: 'خطأ داخلي: {reason}' },
      workerThread: { en: 'worker thread failed: {reason}', ar: 'فشل خيط العمل: {reason}' },
      workerExited: { en: 'worker thread exited early (code {code})', ar: 'انتهى خيط العمل قبل أوانه (الرمز {code})' },
      backgroundUnreadable: { en: 'background statistics: cannot read {path} ({reason})', ar: 'إحصاءات الخلفية: تعذّرت قراءة {path} ({reason})' },
      backgroundDamaged: { en: 'background statistics damaged: {path}: {reason}; rebuild with npm run build:background', ar: 'إحصاءات الخلفية تالفة: {path}: {reason}؛ أعد بناءها بـ npm run build:background' },
      backgroundNoKey: { en: '{table} line {line}: no key and tab', ar: '{table} السطر {line}: لا مفتاح ولا مسافة جدولة بعده' },
      backgroundNotPair: { en: '{table} line {line}: the key is not a pair "a b"', ar: '{table} السطر {line}: المفتاح ليس زوجًا "a b"' },
      backgroundSpace: { en: '{table} line {line}: the key holds a space', ar: '{table} السطر {line}: في المفتاح مسافة' },
      backgroundNotCount: { en: '{table} line {line}: column {column} is not a count', ar: '{table} السطر {line}: العمود {column} ليس عددًا' },
      backgroundFewCounts: { en: '{table} line {line}: expected {columns} counts', ar: '{table} السطر {line}: المتوقع {columns} أعداد' },
      backgroundManyCounts: { en: '{table} line {line}: more than {columns} counts', ar: '{table} السطر {line}: أكثر من {columns} أعداد' },
      backgroundCountRange: { en: '{table} line {line}: count out of range', ar: '{table} السطر {line}: عدد خارج المدى' },
      backgroundUnsorted: { en: '{table} line {line}: keys are not sorted or repeat', ar: '{table} السطر {line}: المفاتيح غير مرتبة أو مكررة' },
    },
  },
  NOT_READY: {
    status: 503,
    exit: EXIT.REMOTE,
    message: 'The service is not ready yet.',
    ar: 'الخدمة غير جاهزة بعد.',
    templates: {
      shuttingDown: { en: 'The service is shutting down; retry on another instance or in a moment.', ar: 'الخدمة تتوقف؛ أعد المحاولة على نسخة أخرى أو بعد لحظة.' },
      reasons: { en: '{reasons}', ar: 'الخدمة غير جاهزة بعد: {reasons}' },
      noSuggestions: { en: 'Suggestions are not available in this service.', ar: 'الاقتراحات غير متاحة في هذه الخدمة.' },
      noLearning: { en: 'Learning is not available in this service.', ar: 'التعلّم غير متاح في هذه الخدمة.' },
    },
  },
  BUSY: {
    status: 503,
    exit: EXIT.REMOTE,
    message: 'The tagger is at capacity: too many articles are waiting; retry after the seconds in Retry-After.',
    ar: 'خدمة الوسم مشغولة بكامل طاقتها: مقالات كثيرة تنتظر دورها؛ أعد المحاولة بعد الثواني المذكورة في ترويسة Retry-After.',
    templates: {
      queue: { en: 'The tagger is at capacity: {waiting} articles are waiting for {threads} tagging threads; retry in {seconds} s.', ar: 'خدمة الوسم مشغولة بكامل طاقتها: {waiting} مقالة تنتظر {threads} من خيوط الوسم؛ أعد المحاولة بعد {seconds} ثانية.' },
    },
  },
  TAG_TIMEOUT: {
    status: 504,
    exit: EXIT.REMOTE,
    message: 'Tagging did not finish within the deadline.',
    ar: 'لم يكتمل وسم المقالة في المهلة المحددة؛ أعد المحاولة لاحقًا.',
    templates: {
      deadline: { en: 'Tagging did not finish within the deadline of {ms} ms (the service is overloaded, or the article is very long); retry later.', ar: 'لم يكتمل الوسم في المهلة، وهي {ms} ملّي ثانية (الخدمة مثقلة أو المقالة طويلة جدًا)؛ أعد المحاولة لاحقًا.' },
    },
  },
  WORKER_FAILED: {
    status: 500,
    exit: EXIT.INTERNAL,
    message: 'The tagging thread stopped while tagging this request; retry it.',
    ar: 'توقف خيط الوسم أثناء معالجة هذا الطلب واستُبدل به غيره؛ أعد إرسال الطلب.',
    templates: {
      stopped: { en: 'The tagging thread stopped while tagging this article ({reason}); it has been replaced. Retry the request.', ar: 'توقف خيط الوسم أثناء وسم هذه المقالة ({reason}) واستُبدل به غيره. أعد إرسال الطلب.' },
    },
  },
  NOT_ALLOWED: {
    status: 403,
    exit: EXIT.REFUSED,
    message: 'Your role does not allow this action.',
    ar: 'دورك لا يسمح بهذا الإجراء.',
    templates: {
      readOnly: { en: 'The role "{role}" may read but not write.', ar: 'الدور «{role}» يقرأ ولا يكتب.' },
      viewer: { en: 'A viewer may read but not edit.', ar: 'القارئ يقرأ ولا يحرّر.' },
      adminOnly: { en: 'Only an admin may change what wasim learned.', ar: 'لا يغيّر ما تعلّمه واسم إلا المدير.' },
      adminOnlyRole: { en: 'Only an admin may change what wasim learned (you are "{role}").', ar: 'لا يغيّر ما تعلّمه واسم إلا المدير (دورك «{role}»).' },
    },
  },
  FETCH_FAILED: {
    status: 502,
    exit: EXIT.REMOTE,
    message: 'A remote server could not be fetched from or answered with an error.',
    ar: 'تعذّر الجلب من خادم بعيد أو أجاب بخطأ.',
    templates: {
      tooLarge: { en: '{url}: the response is {size} bytes, over the {limit}-byte limit', ar: '{url}: حجم الاستجابة {size} بايت، فوق الحد وهو {limit} بايت' },
      overLimit: { en: '{url}: the response is over the {limit}-byte limit', ar: '{url}: الاستجابة فوق الحد وهو {limit} بايت' },
      badUrl: { en: '{url}: not a valid URL', ar: '{url}: ليس رابطًا صالحًا' },
      scheme: { en: '{url}: only http and https URLs can be fetched', ar: '{url}: لا تُجلب إلا روابط http وhttps' },
      redirectLoop: { en: '{url}: redirect loop at {at}', ar: '{url}: حلقة إعادة توجيه عند {at}' },
      noLocation: { en: '{url}: HTTP {status} without a Location header', ar: '{url}: HTTP {status} بلا ترويسة Location' },
      tooManyRedirects: { en: '{url}: more than {max} redirects', ar: '{url}: أكثر من {max} إعادات توجيه' },
      http: { en: '{url}: HTTP {status}', ar: '{url}: HTTP {status}' },
      httpText: { en: '{url}: HTTP {status} {statusText}', ar: '{url}: HTTP {status} {statusText}' },
      timeout: { en: '{url}: no complete answer within {ms} ms', ar: '{url}: لا إجابة كاملة في {ms} ملّي ثانية' },
      network: { en: '{url}: could not connect ({reason})', ar: '{url}: تعذّر الاتصال ({reason})' },
      wordpressNotJson: { en: '{site}: WordPress answered {route} with something that is not JSON (is the REST API enabled?)', ar: '{site}: أجاب ووردبريس عن {route} بما ليس JSON (هل واجهة REST مفعّلة؟)' },
      wordpress: { en: '{site} {route}: {problem}', ar: '{site} {route}: {problem}' },
      wordpressCredentials: { en: 'WordPress refused the credentials (HTTP {status}); check --user and --app-password (an Application Password, not the login password)', ar: 'رفض ووردبريس بيانات الدخول (HTTP {status})؛ تحقق من --user و--app-password (كلمة مرور تطبيق، لا كلمة مرور الدخول)' },
      wordpressRateLimited: { en: 'WordPress kept rate-limiting (HTTP 429) after {retries} retries', ar: 'ظل ووردبريس يحدّ الطلبات (HTTP 429) بعد {retries} محاولات' },
      wordpressFailed: { en: 'WordPress failed (HTTP {status})', ar: 'فشل ووردبريس (HTTP {status})' },
    },
  },
  BAD_FEED: {
    status: 422,
    exit: EXIT.REMOTE,
    message: 'The response is not a readable RSS, Atom or JSON feed.',
    ar: 'الاستجابة ليست موجز RSS أو Atom أو JSON مقروءًا.',
    templates: {
      empty: { en: 'The feed is empty.', ar: 'الموجز فارغ.' },
      htmlPage: { en: 'The URL returned an HTML page, not a feed (look for a <link rel="alternate" type="application/rss+xml"> on it).', ar: 'أعاد الرابط صفحة HTML لا موجزًا (ابحث فيها عن <link rel="alternate" type="application/rss+xml">).' },
      htmlRoot: { en: 'The URL returned an HTML page, not a feed.', ar: 'أعاد الرابط صفحة HTML لا موجزًا.' },
      notXmlOrJson: { en: 'The response is neither XML nor JSON.', ar: 'الاستجابة ليست XML ولا JSON.' },
      malformedXml: { en: 'The feed is not well-formed XML (line {line}, column {column}): {reason}', ar: 'الموجز ليس XML سليم البنية (السطر {line}، العمود {column}): {reason}' },
      unparsable: { en: 'The feed could not be parsed: {reason}', ar: 'تعذّر تحليل الموجز: {reason}' },
      notRssOrAtom: { en: 'The XML is not RSS or Atom (its root element is <{root}>).', ar: 'ملف XML ليس RSS ولا Atom (عنصره الجذر <{root}>).' },
      jsonUnparsable: { en: 'The JSON feed does not parse: {reason}', ar: 'تعذّر تحليل موجز JSON: {reason}' },
      notJsonFeed: { en: 'The JSON is not a JSON Feed (it needs "version": "https://jsonfeed.org/version/1.1" and an "items" array).', ar: 'ملف JSON ليس JSON Feed (يحتاج إلى "version": "https://jsonfeed.org/version/1.1" ومصفوفة "items").' },
    },
  },
  BAD_DECISIONS: {
    status: 400,
    exit: EXIT.INPUT,
    message: 'A line of editor decisions could not be read.',
    ar: 'تعذّرت قراءة سطر من قرارات المحررين.',
    templates: {
      unknownTag: { en: '{where}: unknown tag "{ref}" in "{list}" (not in the vocabulary)', ar: '{where}: وسم غير معروف «{ref}» في «{list}» (ليس في المعجم)' },
      keptAndRejected: { en: '{where}: "{ref}" is both kept and rejected', ar: '{where}: «{ref}» مقبول ومرفوض معًا' },
      notObject: { en: '{where}: expected an object {"id","title","body","accepted","rejected","added"}', ar: '{where}: المتوقع كائن {"id","title","body","accepted","rejected","added"}' },
      missingId: { en: '{where}: missing "id"', ar: '{where}: الحقل «id» مفقود' },
      badId: { en: '{where}: "id" must be a non-empty string or an integer', ar: '{where}: يجب أن يكون «id» نصًا غير فارغ أو عددًا صحيحًا' },
      fieldNotString: { en: '{where}: "{field}" must be a string', ar: '{where}: يجب أن يكون «{field}» نصًا' },
      noText: { en: '{where}: the decision has no "title" and no "body" text to learn from', ar: '{where}: لا نص في «title» ولا في «body» يُتعلَّم منه' },
      notTagList: { en: '{where}: "{field}" must be an array of tag names or ids', ar: '{where}: يجب أن يكون «{field}» مصفوفة أسماء وسوم أو معرّفاتها' },
      noDecision: { en: '{where}: no decision: "accepted", "rejected" and "added" are all empty', ar: '{where}: لا قرار: «accepted» و«rejected» و«added» كلها فارغة' },
      emptyFile: { en: '{path}: empty file (no decision lines)', ar: '{path}: ملف فارغ (لا أسطر قرارات)' },
    },
  },
  BAD_ADAPTATION: {
    status: 400,
    exit: EXIT.VOCABULARY,
    message: 'The adaptation model is damaged or of another version.',
    ar: 'نموذج التكيّف تالف أو من إصدار آخر.',
    templates: {
      invalidJson: { en: '{source}: not valid JSON ({reason})', ar: '{source}: ليس JSON صالحًا ({reason})' },
      notObject: { en: '{source}: expected a JSON object', ar: '{source}: المتوقع كائن JSON' },
      notModel: { en: '{source}: not a wasim adaptation model ("format" must be "{format}")', ar: '{source}: ليس نموذج تكيّف من واسم (يجب أن يكون «format» هو «{format}»)' },
      version: { en: '{source}: version {version} is not supported (this wasim reads version {supported}); learn it again', ar: '{source}: الإصدار {version} غير مدعوم (يقرأ واسم هذا الإصدار {supported})؛ أعد التعلّم' },
      count: { en: '{source}: {at} must be a number ≥ 0', ar: '{source}: يجب أن يكون {at} عددًا ≥ 0' },
      pseudoCount: { en: '{source}: "pseudoCount" must be above 0', ar: '{source}: يجب أن يكون «pseudoCount» أكبر من 0' },
      tags: { en: '{source}: "tags" must be an object keyed by tag id', ar: '{source}: يجب أن يكون «tags» كائنًا مفاتيحه معرّفات الوسوم' },
      fieldObject: { en: '{source}: {at} must be an object', ar: '{source}: يجب أن يكون {at} كائنًا' },
      fieldString: { en: '{source}: {at} must be a string', ar: '{source}: يجب أن يكون {at} نصًا' },
      fieldNumber: { en: '{source}: {at} must be a number', ar: '{source}: يجب أن يكون {at} عددًا' },
      priorExceeds: { en: '{source}: {at}.prior cannot exceed its decisions', ar: '{source}: لا يزيد {at}.prior على قراراته' },
      weights: { en: '{source}: "weights" must be an object of feature weights', ar: '{source}: يجب أن يكون «weights» كائنًا من أوزان السمات' },
      unknownFeature: { en: '{source}: weights.{name} is not a feature of this wasim', ar: '{source}: weights.{name} ليست سمة في واسم هذا' },
      cut: { en: '{source}: cut.minScore must be a number between 0 and 1', ar: '{source}: يجب أن يكون cut.minScore عددًا بين 0 و1' },
      pairs: { en: '{source}: "pairs" must be an array', ar: '{source}: يجب أن يكون «pairs» مصفوفة' },
      pairKind: { en: '{source}: {at}.kind must be "parent" or "rule"', ar: '{source}: يجب أن يكون {at}.kind «parent» أو «rule»' },
    },
  },
  NO_ARTICLE: {
    status: 422,
    exit: EXIT.REMOTE,
    message: 'No article text was found on the page.',
    ar: 'لم يُعثر على نص مقالة في الصفحة.',
    templates: {
      tooShort: { en: '{url}: no article text found on the page ({chars} characters of body text, at least {min} needed).', ar: '{url}: لا نص مقالة في الصفحة ({chars} حرفًا من النص، والمطلوب {min} على الأقل).' },
      notHtml: { en: '{url}: the page is {type}, not HTML.', ar: '{url}: الصفحة من نوع {type}، لا HTML.' },
    },
  },
  STREAM_UNAVAILABLE: {
    status: 503,
    exit: EXIT.REMOTE,
    message: 'The message bus (NATS JetStream) could not be reached or refused the request.',
    ar: 'تعذّر الوصول إلى ناقل الرسائل (NATS JetStream) أو رفض الطلب.',
    templates: {
      unreachable: { en: 'cannot reach NATS at {servers}: {reason}', ar: 'تعذّر الوصول إلى NATS على {servers}: {reason}' },
      lost: { en: 'lost NATS and could not reconnect within {seconds} s: {reason}', ar: 'انقطع الاتصال بـ NATS وتعذّرت إعادته في {seconds} ثانية: {reason}' },
      closed: { en: 'the NATS connection closed', ar: 'أُغلق الاتصال بـ NATS' },
      consumerStopped: { en: 'the consumer stopped: {reason}', ar: 'توقف المستهلك: {reason}' },
      noJetStream: { en: 'JetStream is not available on {server}: {reason}', ar: 'JetStream غير متاح على {server}: {reason}' },
      noStreamSetUp: { en: 'cannot set up a stream for {subject}: {reason}', ar: 'تعذّر إعداد تدفق لـ {subject}: {reason}' },
      noStream: { en: 'no stream captures {subject}', ar: 'لا تدفق يلتقط {subject}' },
      noConsumer: { en: 'cannot set up consumer {durable} on stream {stream}: {reason}', ar: 'تعذّر إعداد المستهلك {durable} على التدفق {stream}: {reason}' },
      publish: { en: 'cannot publish to {subject}: {reason}', ar: 'تعذّر النشر إلى {subject}: {reason}' },
    },
  },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERRORS;

type TemplatesOf<C extends ErrorCode> = (typeof ERRORS)[C] extends { templates: infer T } ? T : Record<never, Template>;

/** The names of a code's templates. */
export type TemplateName<C extends ErrorCode> = keyof TemplatesOf<C> & string;

/** Characters that cannot be in a parameter name: a brace pair around them is text ({"id","title"}). */
type NotInName = '"' | ' ' | ',' | '?' | ':' | '.' | '[' | '<' | '…';

type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? (P extends `${string}${NotInName}${string}` ? never : P) | Placeholders<Rest>
  : never;

type TemplateText<C extends ErrorCode, N extends TemplateName<C>> = TemplatesOf<C>[N] extends { en: infer S extends string } ? S : never;

/** The parameters a template needs, by name. */
export type TemplateParams<C extends ErrorCode, N extends TemplateName<C>> = { readonly [P in Placeholders<TemplateText<C, N>>]: ParamValue };

/** `{name}` where name is an identifier; other braces are text. */
export const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

function render(template: string, params: Readonly<Record<string, ParamValue>>, lang: 'en' | 'ar'): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'object' ? v[lang] : String(v);
  });
}

/** The English and Arabic message of a template with its parameters filled in. */
export function formatMessage<C extends ErrorCode, N extends TemplateName<C>>(code: C, template: N, params: TemplateParams<C, N>): Localized {
  const t = (ERRORS[code] as Entry).templates?.[template];
  if (t === undefined) throw new Error(`error catalogue: ${code} has no template "${template}"`);
  const p = params as Readonly<Record<string, ParamValue>>;
  return { en: render(t.en, p, 'en'), ar: render(t.ar, p, 'ar') };
}

/** Editors' decisions as messages name them: what is to be done to a tag («to accept») and what was done («accepted»). */
export const DECISION_WORDS = {
  accept: { to: { en: 'accept', ar: 'ليُقبل' }, done: { en: 'accepted', ar: 'مقبول' } },
  reject: { to: { en: 'reject', ar: 'ليُرفض' }, done: { en: 'rejected', ar: 'مرفوض' } },
  add: { to: { en: 'add', ar: 'ليُضاف' }, done: { en: 'added', ar: 'مضاف' } },
  undo: { to: { en: 'undo', ar: 'ليُتراجع عنه' }, done: { en: 'undone', ar: 'متراجَع عنه' } },
} as const satisfies Record<string, { to: Localized; done: Localized }>;

/** A list of choices, as each language writes one: «txt, csv or jsonl», «txt أو csv أو jsonl». */
export function choices(items: readonly string[]): Localized {
  const en = items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
  return { en, ar: items.join(' أو ') };
}

export class WasimError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  /** The message in Arabic: the template's, filled in, or the code's default for a message given as is. */
  readonly messageAr: string;
  /** The catalogue template the message was made from, when it was. */
  readonly template?: string;
  /**
   * A message given as is: an error passed on from a worker thread or a stored job (with its
   * Arabic when known), or the code's default message. New messages come from templates (`of`).
   */
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, messageAr?: string, template?: string) {
    super(message ?? ERRORS[code].message);
    this.name = 'WasimError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
    this.messageAr = messageAr ?? ERRORS[code].ar;
    if (template !== undefined) this.template = template;
  }

  /** An error from one of the code's templates, both languages filled from `params`. */
  static of<C extends ErrorCode, N extends TemplateName<C>>(code: C, template: N, params: TemplateParams<C, N>, details?: Record<string, unknown>): WasimError {
    const { en, ar } = formatMessage(code, template, params);
    return new WasimError(code, en, details, ar, template);
  }

  /** The same error said of a place in the input («line 7», «articles.jsonl:3: article "a1"»), in both languages. */
  at(where: string | Localized): WasimError {
    const w = typeof where === 'string' ? { en: where, ar: where } : where;
    return new WasimError(this.code, `${w.en}: ${this.message}`, this.details, `${w.ar}: ${this.messageAr}`, this.template);
  }

  /** Both messages, to pass on as a parameter of another error. */
  get text(): Localized {
    return { en: this.message, ar: this.messageAr };
  }

  /** The CLI exit code of the error's class. */
  get exitCode(): ExitCode {
    return ERRORS[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isWasimError(e: unknown): e is WasimError {
  return e instanceof WasimError;
}

/** The CLI exit code for anything thrown: its class's for a WasimError, INTERNAL for anything else (a bug). */
export function exitCodeOf(e: unknown): ExitCode {
  return isWasimError(e) ? e.exitCode : EXIT.INTERNAL;
}

/** The Arabic message of a code, for people reading the newsroom app. */
export function arabicMessage(code: string): string | undefined {
  return code in ERRORS ? ERRORS[code as ErrorCode].ar : undefined;
}
