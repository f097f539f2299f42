/**
 * The one catalogue of error codes. CLI, server and storage raise WasimError with one of
 * these codes; the HTTP status, the default message and its Arabic wording (what the newsroom
 * shows) come from here, and
 * docs/errors.md is checked against this table by a test.
 */
export const ERRORS = {
  EMPTY_INPUT: { status: 400, message: 'The article has no text: title and body are both empty.', ar: 'لا نص في المقالة: العنوان والنص كلاهما فارغ.' },
  INPUT_TOO_LARGE: { status: 413, message: 'The input is larger than the configured limit.', ar: 'المدخل أكبر من الحد المضبوط.' },
  NOT_TEXT: { status: 400, message: 'The input is not text (binary data or invalid characters).', ar: 'المدخل ليس نصًا (بيانات ثنائية أو محارف غير صالحة).' },
  BAD_JSON: { status: 400, message: 'The input is not valid JSON.', ar: 'المدخل ليس JSON صالحًا.' },
  BAD_ARTICLE: { status: 400, message: 'An article needs string fields "title" and/or "body".', ar: 'تحتاج المقالة إلى حقلين نصيين «title» و/أو «body».' },
  BAD_VOCAB_LINE: { status: 400, message: 'A vocabulary line could not be read.', ar: 'تعذّرت قراءة سطر من المعجم.' },
  BAD_VOCAB_FORMAT: { status: 400, message: 'Unknown vocabulary format; use txt, csv, json or jsonl.', ar: 'صيغة معجم غير معروفة؛ استعمل txt أو csv أو json أو jsonl.' },
  EMPTY_VOCAB: { status: 400, message: 'The vocabulary has no usable entries.', ar: 'لا مداخل صالحة في المعجم.' },
  BAD_COMPILED_VOCAB: { status: 400, message: 'The compiled vocabulary file is damaged or of another version.', ar: 'ملف المعجم المترجَم تالف أو من إصدار آخر.' },
  FILE_NOT_FOUND: { status: 404, message: 'File not found.', ar: 'الملف غير موجود.' },
  OUTPUT_FAILED: { status: 500, message: 'The output could not be written.', ar: 'تعذّرت كتابة المخرجات.' },
  USAGE: { status: 400, message: 'Invalid command-line usage.', ar: 'استعمال غير صحيح لسطر الأوامر.' },
  BAD_GOLD: { status: 400, message: 'A gold-standard line could not be read.', ar: 'تعذّرت قراءة سطر من المعيار الذهبي.' },
  VALIDATION: { status: 400, message: 'The request does not match the schema.', ar: 'الطلب لا يطابق المخطط المطلوب.' },
  UNAUTHORIZED: { status: 401, message: 'A valid bearer token is required for this action.', ar: 'يلزم الدخول أو رمز صالح لهذا الإجراء.' },
  FORBIDDEN: { status: 403, message: 'This request is refused: it did not come from this site or its form has expired.', ar: 'رُفض الطلب: لم يأتِ من هذا الموقع أو انتهت صلاحية النموذج. أعد تحميل الصفحة وحاول مجددًا.' },
  NOT_FOUND: { status: 404, message: 'No such resource.', ar: 'غير موجود.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.', ar: 'لا توجد صفحة أو مسار بهذا العنوان.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.', ar: 'الطلب يتعارض مع الحالة الحالية.' },
  BATCH_TOO_LARGE: { status: 413, message: 'Too many items in one request.', ar: 'عناصر كثيرة في طلب واحد.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type; send application/json.', ar: 'نوع محتوى غير مدعوم؛ أرسل application/json.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.', ar: 'طلبات كثيرة؛ أبطئ قليلًا وأعد المحاولة لاحقًا.' },
  INTERNAL: { status: 500, message: 'Internal error.', ar: 'خطأ داخلي.' },
  NOT_READY: { status: 503, message: 'The service is not ready yet.', ar: 'الخدمة غير جاهزة بعد.' },
  BUSY: { status: 503, message: 'The tagger is at capacity: too many articles are waiting; retry after the seconds in Retry-After.', ar: 'خدمة الوسم مشغولة بكامل طاقتها: مقالات كثيرة تنتظر دورها؛ أعد المحاولة بعد الثواني المذكورة في ترويسة Retry-After.' },
  TAG_TIMEOUT: { status: 504, message: 'Tagging did not finish within the deadline.', ar: 'لم يكتمل وسم المقالة في المهلة المحددة؛ أعد المحاولة لاحقًا.' },
  WORKER_FAILED: { status: 500, message: 'The tagging thread stopped while tagging this request; retry it.', ar: 'توقف خيط الوسم أثناء معالجة هذا الطلب واستُبدل به غيره؛ أعد إرسال الطلب.' },
  NOT_ALLOWED: { status: 403, message: 'Your role does not allow this action.', ar: 'دورك لا يسمح بهذا الإجراء.' },
  FETCH_FAILED: { status: 502, message: 'A remote server could not be fetched from or answered with an error.', ar: 'تعذّر الجلب من خادم بعيد أو أجاب بخطأ.' },
  BAD_FEED: { status: 422, message: 'The response is not a readable RSS, Atom or JSON feed.', ar: 'الاستجابة ليست موجز RSS أو Atom أو JSON مقروءًا.' },
  BAD_DECISIONS: { status: 400, message: 'A line of editor decisions could not be read.', ar: 'تعذّرت قراءة سطر من قرارات المحررين.' },
  BAD_ADAPTATION: { status: 400, message: 'The adaptation model is damaged or of another version.', ar: 'نموذج التكيّف تالف أو من إصدار آخر.' },
  NO_ARTICLE: { status: 422, message: 'No article text was found on the page.', ar: 'لم يُعثر على نص مقالة في الصفحة.' },
  STREAM_UNAVAILABLE: { status: 503, message: 'The message bus (NATS JetStream) could not be reached or refused the request.', ar: 'تعذّر الوصول إلى ناقل الرسائل (NATS JetStream) أو رفض الطلب.' },
} as const satisfies Record<string, { status: number; message: string; ar: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class WasimError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERRORS[code].message);
    this.name = 'WasimError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isWasimError(e: unknown): e is WasimError {
  return e instanceof WasimError;
}

/** The Arabic message of a code, for people reading the newsroom app. */
export function arabicMessage(code: string): string | undefined {
  return code in ERRORS ? ERRORS[code as ErrorCode].ar : undefined;
}
