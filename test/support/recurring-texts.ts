/** Complaint texts shared by the recurring-issue tests: one problem worded five ways, and a near topic. */

// One problem, worded five ways: standard Arabic, Gulf dialect, a misspelling, dialect again.
export const OVERFLOW = [
  'طفح مجاري في الشارع الرئيسي قرب المسجد منذ ثلاثة أيام والمياه الآسنة تغطي الطريق',
  'المجاري طافحة في الشارع الرئيسي عند المسجد والمياه القذرة تغطي الطريق',
  'فيضان المجاري بالشارع الرئيسي مرة ثانية، الماي الوسخ مالي الشارع عند المسجد',
  'طفح المجارى فى الشارع الرئيسى قرب المسجد والمياة الاسنة فى الطريق',
  'منهول المجاري فايض في الشارع الرئيسي جنب المسجد والمية الوسخة في الطريق',
];

// The same category and place, another problem: a smell from the pumping station.
export const SMELL = [
  'رائحة كريهة جداً من محطة ضخ المجاري القريبة من بيوتنا خاصة في الليل',
  'ريحة محطة الضخ مو طبيعية، كل ليلة نشم روايح المجاري من المحطة',
  'الروائح الكريهة من محطة ضخ المجاري لا تطاق في الليل قرب البيوت',
];
