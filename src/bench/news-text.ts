/**
 * Arabic news text written for the load test and the tagging-pool tests: paragraphs in the
 * manner of wire copy, naming people, places, organisations and topics of the default
 * vocabulary, and articles of any length cut from them. Nothing here comes from a corpus.
 */

export const NEWS_PARAGRAPHS: readonly string[] = [
  'أعلنت وزارة الطاقة في الرياض أن شركة أرامكو السعودية سترفع إنتاجها من النفط الخام خلال الربع المقبل، في خطوة قالت إنها تهدف إلى تلبية الطلب المتزايد في الأسواق الآسيوية، وذلك بعد اجتماع لمنظمة أوبك عقد عبر الاتصال المرئي.',
  'وقال متحدث باسم الأمم المتحدة في نيويورك إن المنظمة تتابع بقلق تطورات الأوضاع الإنسانية في السودان، ودعا الأطراف إلى فتح ممرات آمنة لإيصال المساعدات إلى المدنيين في الخرطوم ودارفور قبل حلول موسم الأمطار.',
  'وفي القاهرة، استقبل وزير الخارجية المصري نظيره الأردني لبحث العلاقات الثنائية وملفات المنطقة، وأكد الجانبان في مؤتمر صحفي مشترك أهمية التنسيق بين مصر والأردن في دعم الاستقرار ومواجهة التحديات الاقتصادية.',
  'وعلى الصعيد الرياضي، حقق نادي الهلال فوزا ثمينا على منافسه في الدوري السعودي للمحترفين بهدفين مقابل هدف، في مباراة أقيمت على ملعب المملكة أرينا في الرياض وسط حضور جماهيري كبير، ليعزز صدارته لجدول الترتيب.',
  'وحذرت منظمة الصحة العالمية في تقرير جديد من ارتفاع حالات الإصابة بالأمراض التنفسية مع دخول فصل الشتاء، وأوصت الدول الأعضاء بتعزيز حملات التطعيم ورفع جاهزية المستشفيات، مستفيدة من الدروس التي خلفتها جائحة كورونا.',
  'وتوقع صندوق النقد الدولي أن يسجل اقتصاد دول الخليج نموا أسرع في العام المقبل مدفوعا بالقطاعات غير النفطية، مشيرا إلى أن الإصلاحات في السعودية والإمارات ساعدت على جذب الاستثمارات الأجنبية إلى دبي وجدة.',
  'وفي بيروت، ناقش البرلمان اللبناني مشروع الموازنة العامة وسط انقسام بين الكتل النيابية حول الضرائب الجديدة، فيما طالب الاتحاد الأوروبي الحكومة اللبنانية بالإسراع في تنفيذ الإصلاحات التي يشترطها المانحون.',
  'واستعدت قطر لاستضافة بطولة دولية جديدة بعد النجاح الذي حققته في تنظيم كأس العالم، وقال مسؤولون في اللجنة المنظمة إن الملاعب والبنية التحتية في الدوحة جاهزة لاستقبال المنتخبات والجماهير من مختلف أنحاء العالم.',
  'وأفادت وكالة الأنباء بأن الرئيس الفرنسي بحث في اتصال هاتفي مع ولي العهد السعودي سبل تعزيز التعاون في مجالات الطاقة المتجددة والذكاء الاصطناعي، إضافة إلى تطورات الأوضاع في قطاع غزة والجهود المبذولة لوقف إطلاق النار.',
  'وشهدت أسواق الأسهم في المنطقة تداولات نشطة بعد قرار مجلس الاحتياطي الفيدرالي الأمريكي الإبقاء على أسعار الفائدة دون تغيير، وارتفع المؤشر العام للسوق السعودية مدعوما بأسهم البنوك وشركات البتروكيماويات.',
  'وفي المغرب، أطلقت الحكومة برنامجا لدعم الفلاحين المتضررين من الجفاف في جهات عدة، يشمل تسهيلات في القروض وتوزيع الأعلاف، وقال وزير الفلاحة إن البرنامج سيمتد إلى نهاية الموسم الزراعي الحالي.',
  'واختتمت في تونس أعمال منتدى اقتصادي بمشاركة رجال أعمال من الجزائر وليبيا، وبحث المشاركون فرص إقامة مشاريع مشتركة في مجالات النقل والطاقة الشمسية، ودعوا إلى تسهيل حركة البضائع عبر الحدود بين البلدان الثلاثة.',
];

export const NEWS_TITLES: readonly string[] = [
  'أرامكو ترفع إنتاج النفط والأمم المتحدة تدعو إلى هدنة في السودان',
  'مصر والأردن تبحثان التعاون والهلال يعزز صدارة الدوري',
  'صندوق النقد يتوقع نموا أسرع لاقتصادات الخليج',
];

/**
 * An article of about `chars` characters (title + body): paragraphs in turn from `start`, each
 * repeat numbered so that long articles are not one paragraph over and over.
 */
export function newsArticle(chars: number, start = 0): { title: string; body: string } {
  const title = NEWS_TITLES[start % NEWS_TITLES.length]!;
  const parts: string[] = [];
  let length = title.length;
  for (let i = start; length < chars; i++) {
    const paragraph = NEWS_PARAGRAPHS[i % NEWS_PARAGRAPHS.length]!;
    const round = Math.floor((i - start) / NEWS_PARAGRAPHS.length);
    const text = round === 0 ? paragraph : `(${round + 1}) ${paragraph}`;
    parts.push(text);
    length += text.length + 2;
  }
  let body = parts.join('\n\n');
  if (title.length + body.length > chars) {
    // Cut at a word boundary so the last word is whole.
    const cut = body.lastIndexOf(' ', chars - title.length);
    body = body.slice(0, cut > 0 ? cut : chars - title.length);
  }
  return { title, body };
}

/**
 * A long article as varied as real news: the words of the paragraphs above in order, with about
 * one word in `nameRate` replaced by a name drawn (seeded) from `names`. A long article made of
 * the same dozen paragraphs over and over tags several times faster than real text (every word
 * is met again, its analysis cached); this one costs about what a real one of its length does.
 */
export function variedNewsArticle(chars: number, names: readonly string[], seed = 1, nameRate = 8): { title: string; body: string } {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    // xorshift32: small, seeded, the same text on every machine.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  const words = NEWS_PARAGRAPHS.join(' \n ').split(' ');
  const title = NEWS_TITLES[seed % NEWS_TITLES.length]!;
  const out: string[] = [];
  let length = title.length;
  for (let i = 0; length < chars; i++) {
    const word = words[i % words.length]!;
    const next = word !== '\n' && names.length > 0 && random() * nameRate < 1 ? names[Math.floor(random() * names.length)]! : word;
    out.push(next);
    length += next.length + 1;
  }
  let body = out.join(' ').replace(/ \n /g, '\n\n');
  if (title.length + body.length > chars) {
    const cut = body.lastIndexOf(' ', chars - title.length);
    body = body.slice(0, cut > 0 ? cut : chars - title.length);
  }
  return { title, body };
}
