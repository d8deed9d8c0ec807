/**
 * A small bilingual thesaurus of public-service complaints, as data: each concept lists the words
 * (standard Arabic, Gulf dialect, English, Arabizi) that name it. A word of the text that belongs
 * to a concept also counts as the concept ("k:electricity"), so that what the classifier learns from
 * Arabic cases helps with English and Arabizi ones and the reverse: history in each language alone is
 * thin. Written from general knowledge of the domain, not from any deployment's history; the model
 * learns from the history how much each concept says about each category.
 */
export const CONCEPTS: Readonly<Record<string, readonly string[]>> = {
  electricity: ['كهرباء', 'كهربا', 'كهربائي', 'تيار', 'كيبل', 'كابل', 'محول', 'electricity', 'electric', 'power', 'blackout', 'outage', 'cable', 'transformer', 'kahraba', 'اسلاك', 'محولات', 'احمال', 'wires', 'wiring'],
  cut: ['انقطاع', 'انقطع', 'منقطع', 'مقطوع', 'قطع', 'cut', 'outage', 'interrupted', 'ingata3', 'maqtoo3'],
  water: ['ماء', 'مياه', 'ماي', 'مي', 'water', 'mai', 'moya', 'حنفيه', 'توصيل', 'tap', 'drinking'],
  pressure: ['ضغط', 'ضعيف', 'خزان', 'تانكي', 'pressure', 'tank', 'weak'],
  leak: ['تسرب', 'تسريب', 'يسرب', 'انبوب', 'انابيب', 'بيب', 'بيبات', 'leak', 'leaking', 'pipe', 'burst'],
  bill: ['فاتوره', 'فواتير', 'فاتورتي', 'عداد', 'قراءه', 'رسوم', 'تعرفه', 'مبلغ', 'دفع', 'سداد', 'دينار', 'bill', 'invoice', 'meter', 'reading', 'tariff', 'charge', 'charged', 'fee', 'bd', 'dinar', 'fatoora', 'استهلاك', 'دعم', 'consumption', 'subsidy', 'refund', 'overcharged'],
  sewage: ['مجاري', 'صرف', 'بياره', 'منهول', 'بالوعه', 'طفح', 'فيضان', 'sewage', 'sewer', 'manhole', 'drain', 'overflow', 'overflowing', 'septic', 'toilet', 'majari', 'مناهل', 'انسداد', 'شحوم', 'blocked', 'blockage', 'grease'],
  smell: ['رايحه', 'ريحه', 'روايح', 'كريهه', 'smell', 'odour', 'odor', 'stink', 'reeha'],
  rain: ['مطر', 'امطار', 'مطار', 'سيول', 'تجمع', 'مستنقع', 'غرق', 'rain', 'rainwater', 'flood', 'flooded', 'flooding', 'puddle', 'pool', 'mutar', 'matar', 'راكد', 'راكده', 'تصريف', 'بعوض', 'stagnant', 'drainage', 'mosquitoes'],
  road: ['طريق', 'طرق', 'شارع', 'شوارع', 'اسفلت', 'رصيف', 'ارصفه', 'road', 'roads', 'street', 'asphalt', 'pavement', 'sidewalk', 'tarmac', 'shari3', 'جسر', 'تموجات', 'اخاديد', 'انهيار', 'bridge', 'gravel', 'resurfacing', 'collapsed'],
  pothole: ['حفره', 'حفر', 'حفريات', 'تشقق', 'تشققات', 'شقوق', 'مطب', 'هبوط', 'pothole', 'potholes', 'crack', 'cracks', 'hole', 'bump', '7ofra', '7ofar'],
  lighting: ['اناره', 'انارات', 'اضاءه', 'اضواء', 'عمود', 'اعمده', 'مصباح', 'لمبه', 'ظلام', 'مظلم', 'lighting', 'light', 'lights', 'lamp', 'streetlight', 'dark', 'darkness', 'inara', 'ليت', 'bulb', 'bulbs', 'dim'],
  signal: ['اشاره', 'اشارات', 'ضوئيه', 'تقاطع', 'اخضر', 'احمر', 'اصفر', 'signal', 'signals', 'junction', 'intersection', 'green', 'red', 'eshara', 'ishara'],
  traffic: ['مرور', 'مروري', 'زحمه', 'ازدحام', 'سرعه', 'تهور', 'مخالفه', 'مخالفات', 'اصطفاف', 'مواقف', 'وقوف', 'دوريه', 'رادار', 'traffic', 'congestion', 'jam', 'speeding', 'parking', 'parked', 'radar', 'patrol', 'za7ma', 'سائق', 'سائقين', 'عكس', 'تجاوز', 'دبل', 'حوادث', 'drivers', 'overtaking', 'accident', 'accidents', 'trucks', 'lorries'],
  fire: ['حريق', 'حرايق', 'نار', 'طفايه', 'مخرج', 'طوارئ', 'دخان', 'غاز', 'اسطوانه', 'fire', 'extinguisher', 'smoke', 'gas', 'cylinder', 'alarm', 'exit', 'emergency', 'اشتعال', 'شراره', 'مدني', 'flammable', 'sparks', 'civil', 'defence'],
  health: ['مستشفي', 'صحي', 'طبيب', 'دكتور', 'موعد', 'مواعيد', 'علاج', 'دواء', 'ادويه', 'صيدليه', 'عياده', 'مريض', 'hospital', 'clinic', 'doctor', 'appointment', 'medicine', 'pharmacy', 'patient', 'health', 'nurse', 'اسعاف', 'وصفه', 'عمليه', 'تطعيم', 'ambulance', 'prescription', 'physiotherapy', 'operation', 'vaccine', 'surgery'],
  school: ['مدرسه', 'مدارس', 'طلاب', 'طالب', 'طالبات', 'معلم', 'معلمه', 'فصل', 'صف', 'حافله', 'باص', 'تعليم', 'school', 'student', 'students', 'teacher', 'class', 'classroom', 'pupils', 'madrasa', 'امتحانات', 'مقصف', 'exams', 'canteen', 'teachers'],
  housing: ['اسكان', 'اسكاني', 'اسكانيه', 'وحده', 'وحدات', 'شقه', 'قرض', 'بدل', 'سكن', 'housing', 'unit', 'flat', 'loan', 'allowance', 'allocation', 'iskan', 'iskani', 'مفاتيح', 'استلام', 'keys', 'waiting'],
  online: ['موقع', 'تطبيق', 'بوابه', 'الكتروني', 'الكترونيه', 'حساب', 'رمز', 'كلمه', 'سر', 'دخول', 'تسجيل', 'website', 'app', 'application', 'portal', 'online', 'login', 'password', 'otp', 'account', 'error', 'page', 'ekey', 'نظام', 'حجز', 'نموذج', 'تحميل', 'system', 'booking', 'form', 'upload', 'download', 'browser'],
  rubbish: ['قمامه', 'زباله', 'نفايات', 'مخلفات', 'حاويه', 'حاويات', 'اكياس', 'انقاض', 'نظافه', 'رمي', 'rubbish', 'garbage', 'waste', 'trash', 'litter', 'bin', 'bins', 'skip', 'debris', 'dumping', 'zbala', 'اثاث', 'تنظيف', 'اتربه', 'مكب', 'furniture', 'cleaning', 'collection', 'landfill', 'dumped'],
  animals: ['كلاب', 'كلب', 'قطط', 'قطه', 'حيوان', 'حيوانات', 'سايبه', 'ضاله', 'حمير', 'اغنام', 'ماعز', 'جمال', 'ثعابين', 'dog', 'dogs', 'cat', 'cats', 'stray', 'animal', 'animals', 'goats', 'donkey', 'snake', 'klab', 'kilab', 'قطاوه', 'حشرات', 'monkeys', 'pests'],
  greenery: ['حديقه', 'حدايق', 'منتزه', 'شجر', 'اشجار', 'شجره', 'زراعه', 'تشجير', 'نخيل', 'عشب', 'ممشي', 'العاب', 'park', 'garden', 'tree', 'trees', 'plant', 'grass', 'playground', 'walkway', '7adeeqa', 'مسطح', 'ري', 'زرع', 'مقاعد', 'bench', 'benches', 'plants', 'irrigation', 'sprinklers'],
  construction: ['بناء', 'بنا', 'مبني', 'انشاءات', 'ترخيص', 'رخصه', 'تعدي', 'ملحق', 'سور', 'مقاول', 'construction', 'building', 'permit', 'extension', 'encroachment', 'contractor', 'licence', 'license', 'bina', 'مخالف', 'ملاحق', 'مظله', 'ردم', 'مستودع', 'مفتشين', 'سطح', 'container', 'roof', 'fence', 'inspectors', 'illegal'],
  food: ['مطعم', 'مطاعم', 'طعام', 'اكل', 'وجبه', 'مخبز', 'بقاله', 'كافتيريا', 'منتهي', 'صلاحيه', 'تسمم', 'ذباب', 'صراصير', 'restaurant', 'food', 'bakery', 'grocery', 'cafeteria', 'expired', 'poisoning', 'hygiene', 'cockroach', 'flies', 'shawarma', 'خباز', 'خبز', 'عجين', 'سندويش', 'لحم', 'bread', 'mould', 'mouldy', 'sandwich', 'meat'],
  vehicle: ['سياره', 'سيارات', 'مهمله', 'متروكه', 'مهجوره', 'مركونه', 'قاطره', 'سحب', 'car', 'vehicle', 'abandoned', 'wreck', 'tow', 'plates', 'caravan', 'mahjoora', 'وانيت', 'صدا', 'rust', 'rusty', 'suv', 'tyres', 'pickup'],
};
