/**
 * A bilingual thesaurus of public-service complaints, as data: each concept lists the words
 * (standard Arabic, Gulf dialect, English, Arabizi) that name it. A word of the text that belongs
 * to a concept also counts as the concept ("k:electricity"), so that what the classifier learns from
 * Arabic cases helps with English and Arabizi ones and the reverse, and a word no training case used
 * still counts when it names a concept the history knows: history in each language alone is thin.
 * Written from general knowledge of the domain (how Gulf citizens describe these problems), not from
 * any deployment's history; the model learns from the history how much each concept says about each
 * category. An entry "=word" names that word only, not the other words of its stem ("=park" is not
 * "parking"). Entries are single words (a phrase would make each of its words a synonym); they go
 * through the text pipeline (normaliser, dialect folding, stemmer), so hamza, ة/ه and inflection
 * variants need no entry of their own. Words that are everyday words in every category ("house",
 * "بيت", "مركز", "problem") are left out on purpose.
 */
export const CONCEPTS: Readonly<Record<string, readonly string[]>> = {
  electricity: [
    'كهرباء', 'كهربا', 'كهربائي', 'كهربائيه', 'الكهرب', 'ضو', 'الضو', 'تيار', 'كيبل', 'كابل', 'كيابل', 'كابلات', 'محول', 'محولات',
    'اسلاك', 'سلك', 'احمال', 'فيوز', 'فيوزات', 'قاطع', 'بريكر', 'جهد', 'فولت', 'فولتيه', 'تذبذب', 'محطه', 'مولد', 'مولدات',
    'electricity', 'electric', 'electrical', 'power', 'blackout', 'blackouts', 'outage', 'outages',
    'cable', 'cables', 'transformer', 'substation', 'wires', 'wiring', 'fuse', 'breaker', 'tripped', 'tripping', 'voltage',
    'fluctuation', 'fluctuating', 'generator', 'kahraba', 'kahrabaa', 'kahrba', 'karaba', 'dho', '9ow',
  ],
  cut: [
    'انقطاع', 'انقطاعات', 'انقطع', 'ينقطع', 'تنقطع', 'منقطع', 'مقطوع', 'مقطوعه', 'قطع', 'انطفاء', 'انطفا', 'طفت', 'طافي', 'مطفي',
    'cut', 'cuts', 'outage', 'interrupted', 'interruption', 'interruptions', 'disconnected', 'disconnection', 'shutdown',
    'ingata3', 'maqtoo3', 'maqtoo3a', 'mgtoo3', 'inqita3', 'tafya', 'tafi',
  ],
  water: [
    'ماء', 'مياه', 'ماي', 'مي', 'مويه', 'مويا', 'ميه', 'حنفيه', 'حنفيات', 'صنبور', 'توصيل', 'تحليه', 'مالح', 'ملوحه', 'عكر',
    'عكاره', 'كلور', 'شرب', 'صهريج', 'صهاريج', 'تانكر', 'water', 'mai', 'moya', 'mayya', 'tap', 'taps', 'faucet', 'drinking',
    'salty', 'brackish', 'muddy', 'discoloured', 'discolored', 'cloudy', 'chlorine', 'tanker', 'desalination', 'potable', 'عطش',
    'رواسب', 'sediment', 'thirsty',
  ],
  pressure: [
    'ضغط', 'ضعيف', 'ضعيفه', 'خفيف', 'خزان', 'خزانات', 'تانكي', 'تانكيات', 'مضخه', 'ماطور', 'دينمو', 'pressure', 'tank', 'tanks',
    'weak', 'trickle', 'trickling', 'pump', 'booster', 'dyno', '6ank', 'daght',
  ],
  leak: [
    'تسرب', 'تسريب', 'يسرب', 'تهريب', 'يهرب', 'ينقط', 'تنقيط', 'انفجار', 'منفجر', 'مكسور', 'مكسوره', 'هدر', 'هادر', 'انبوب',
    'انابيب', 'ماسوره', 'مواسير', 'بيب', 'بيبات', 'بايب', 'صمام', 'محبس', 'leak', 'leaks', 'leaking', 'leakage', 'pipe', 'pipes',
    'pipeline', 'burst', 'dripping', 'seeping', 'seepage', 'wastage', 'valve', 'mains', 'tasarub', 'tasreeb',
  ],
  bill: [
    'فاتوره', 'فواتير', 'فاتورتي', 'عداد', 'عدادات', 'ميتر', 'قراءه', 'قراءات', 'تقديريه', 'تعرفه', 'شرائح', 'سداد', 'تسديد',
    'دينار', 'دنانير', 'استهلاك', 'متاخرات', 'استرجاع', 'استرداد', 'bill', 'bills', 'billing', 'billed', 'invoice', 'meter',
    'meters', 'reading', 'readings', 'estimated', 'tariff', 'charge', 'charges', 'charged', 'bd', 'dinar', 'dinars',
    'consumption', 'subsidy', 'refund', 'overcharged', 'overcharging', 'arrears', 'fatoora', 'fatora', 'fatura', 'fawateer',
    '3adad', 'adad', 'كيلوواط', 'kwh', 'kilowatt', 'kilowatts', 'خياليه', 'fatoorah', 'fawatir',
  ],
  sewage: [
    'مجاري', 'مجرور', 'صرف', 'بياره', 'منهول', 'مناهيل', 'مناهل', 'بالوعه', 'بلاعه', 'بلاليع', 'طفح', 'طفحان', 'طافح', 'تطفح',
    'فايض', 'فيضان', 'انسداد', 'مسدود', 'مسدوده', 'شحوم', 'شفط', 'تنكر', 'sewage', 'sewer', 'sewers', 'sewerage', 'wastewater',
    'manhole', 'manholes', 'drain', 'drains', 'overflow', 'overflowing', 'overflowed', 'septic', 'cesspit', 'cesspool', 'toilet',
    'toilets', 'blocked', 'blockage', 'clogged', 'backflow', 'sludge', 'grease', 'majari', 'majaree', 'ballo3a', 'manhol',
    'مجارير', 'بلوعه', 'بلاعات', 'بواليع', 'effluent', 'sanitary', 'soakaway', 'desludging', 'bala3a',
  ],
  smell: [
    'رايحه', 'ريحه', 'روايح', 'كريهه', 'نتنه', 'منتنه', 'نتانه', 'عفونه', 'خايسه', 'خايس', 'smell', 'smells', 'smelly', 'odour',
    'odor', 'odours', 'stink', 'stinks', 'stinking', 'stench', 'foul', 'reek', 'reeks', 'reeha', 'ree7a', 'ri7a',
  ],
  rain: [
    'مطر', 'امطار', 'مطار', 'مطره', 'سيل', 'سيول', 'تجمع', 'تجمعات', 'مستنقع', 'مستنقعات', 'بحيره', 'بركه', 'برك', 'غرق', 'غرقان',
    'غرقانه', 'مغمور', 'طوفان', 'راكد', 'راكده', 'تصريف', 'شفاطات', 'منخفض', 'بعوض', 'rain', 'rains', 'rainy', 'rainwater',
    'rainfall', 'storm', 'stormwater', 'downpour', 'flood', 'floods', 'flooded', 'flooding', 'waterlogged', 'waterlogging',
    'puddle', 'puddles', 'pool', 'pooling', 'ponding', 'submerged', 'inundated', 'stagnant', 'drainage', 'mosquitoes', 'mosquito',
    'mutar', 'matar', 'amtar', 'mu6ar', 'ma6ar', 'ghar8', 'شتاء', 'شتا', 'امطرت', 'تمطر', 'مطرت', 'winter', 'gully', 'gullies',
    'culvert', 'culverts',
  ],
  road: [
    'طريق', 'طرق', 'شارع', 'شوارع', 'سكه', 'سكيك', 'حاره', 'مسار', 'مسارات', 'جسر', 'نفق', 'رصف', 'رصيف', 'ارصفه', 'كورنيش',
    'road', 'roads', 'street', 'streets', 'lane', 'highway', 'tunnel', 'bridge', 'flyover', 'pavement', 'sidewalk', 'kerb',
    'curb', 'shoulder', 'shari3', 'share3', 'tareeg', 'tareeq', '6areeg',
  ],
  pothole: [
    'حفره', 'حفر', 'حفريات', 'جوره', 'نقره', 'تشقق', 'تشققات', 'شقوق', 'متشقق', 'متكسر', 'تكسر', 'متهالك', 'هبوط', 'منخسف', 'خسف',
    'مطب', 'مطبات', 'pothole', 'potholes', 'crack', 'cracks', 'cracked', 'hole', 'holes', 'bump', 'bumps', 'bumpy', 'uneven',
    'sinkhole', 'subsidence', 'ruts', 'crumbling', '7ofra', '7ofar', 'hofra', 'jora', 'اسفلت', 'زفت', 'تزفيت', 'تعبيد', 'تموجات',
    'اخاديد', 'انهيار', 'asphalt', 'tarmac', 'resurfacing', 'paving', 'collapsed', 'gravel', 'ترقيع', 'رقع', 'رقعه', 'حصى', 'حصا',
    'تعرجات', 'patch', 'patching', 'patched', 'crater', 'craters', 'potholed', 'resurface', 'repave', 'repaving', 'erosion',
    'eroded',
  ],
  lighting: [
    'اناره', 'انارات', 'اضاءه', 'اضواء', 'عمود', 'اعمده', 'مصباح', 'مصابيح', 'لمبه', 'لمبات', 'كشاف', 'كشافات', 'ليت', 'ظلام',
    'ضلام', 'ظلمه', 'ضلمه', 'مظلم', 'مظلمه', 'معتم', 'lighting', 'light', 'lights', 'lamp', 'lamps', 'streetlight',
    'streetlights', 'lamppost', 'lampposts', 'pole', 'poles', 'unlit', 'dark', 'darkness', 'dim', 'bulb', 'bulbs',
    'flickering', 'illumination', 'inara', 'enara', 'i9aa', 'lait',
  ],
  signal: [
    'اشاره', 'اشارات', 'ضوئيه', 'تقاطع', 'تقاطعات', 'اخضر', 'احمر', 'اصفر', 'توقيت', 'وامضه', 'يومض', 'يفلش', 'مشاه', 'عبور',
    'signal', 'signals', 'junction', 'junctions', 'intersection', 'intersections', 'green', 'red', 'amber', 'yellow', 'timer',
    'timing', 'phase', 'flashing', 'blinking', 'pedestrian', 'pedestrians', 'crossing', 'eshara', 'ishara', 'isharat', 'esharat',
    'ishaara', 'فلاشر', 'flasher', 'countdown',
  ],
  traffic: [
    'مرور', 'مروري', 'مروريه', 'زحمه', 'ازدحام', 'اختناق', 'اختناقات', 'طابور', 'سرعه', 'سرعات', 'مسرعين', 'تهور', 'استهتار',
    'تفحيط', 'مفحطين', 'استعراض', 'مخالفه', 'مخالفات', 'اصطفاف', 'مواقف', 'وقوف', 'دوريه', 'دوريات', 'رادار', 'كاميرا', 'كاميرات',
    'شرطه', 'عكس', 'دبل', 'صدام', 'دراجات', 'دبابات', 'traffic', 'congestion', 'congested', 'gridlock', 'jam', 'jams', 'queue',
    'queues', 'speeding', 'speeders', 'reckless', 'drifting', 'racing', 'tailgating', '=parking', '=parked', 'radar', 'camera',
    'cameras', 'patrol', 'police', 'overtaking', 'collision', 'motorbike', 'motorbikes', 'motorcycles', 'za7ma', 'zahma',
    'mukhalafa', 'sor3a', 'tafhee6', 'muroor', 'ازدحامات', 'تكدس', 'معاكس', 'سباق', 'سباقات', 'هرن', 'هرنات', 'honking', 'horn',
    'horns', 'bottleneck', 'standstill', 'ze7am', 'zi7am', 'ezde7am',
  ],
  fire: [
    'حريق', 'حرايق', 'احتراق', 'اشتعال', 'اشتعل', 'ولعت', 'ولع', 'نار', 'نيران', 'طفايه', 'طفايات', 'انذار', 'مخرج', 'مخارج', 'طوارئ',
    'اخلاء', 'دخان', 'غاز', 'اسطوانه', 'اسطوانات', 'سلندر', 'سلندرات', 'تماس', 'شراره', 'مدني', 'اطفاء', 'اطفائيه', 
    'قابله', 'بنزين', 'ديزل', 'fire', 'fires', 'extinguisher', 'extinguishers', 'smoke', 'gas', 'cylinder', 'cylinders',
    'alarm', 'alarms', 'detector', 'detectors', 'exit', 'exits', 'evacuation', 'emergency', 'flammable', 'flammables',
    'combustible', 'sparks', 'spark', 'hydrant', 'firefighting', 'civil', 'defence', 'defense', 'hazard', 
    'petrol', 'diesel', '7aree8', '7areeg', 'hareeq', 'harig',
  ],
  health: [
    'مستشفي', 'مستشفيات', 'طبيب', 'اطباء', 'دكتور', 'دكاتره', 'ممرض', 'ممرضه', 'ممرضات', 'موعد', 'مواعيد', 'علاج', 'دواء',
    'ادويه', 'دوا', 'صيدليه', 'عياده', 'عيادات', 'مريض', 'مرضي', 'اسعاف', 'طوارئ', 'وصفه', 'تطعيم', 'تطعيمات', 'اشعه', 'تحاليل',
    'تحليل', 'مختبر', 'اخصائي', 'استشاري', 'ولاده', 'اسنان', 'جناح', 'تنويم', 'السلمانيه', 'hospital', 'hospitals', 'clinic',
    'clinics', 'doctor', 'doctors', 'appointment', 'appointments', 'medicine', 'medicines', 'medication', 'pharmacy', 'patient',
    'patients', 'health', 'nurse', 'nurses', 'ambulance', 'prescription', 'physiotherapy', 'vaccine', 'vaccination', 'surgery',
    'xray', 'scan', 'mri', 'lab', 'laboratory', 'referral', 'specialist', 'consultant', 'ward', 'dental', 'dentist', 'maternity',
    'treatment', 'mustashfa', 'dakhtar', 'daktor', 'maw3ed', 'mow3ed',
  ],
  school: [
    'مدرسه', 'مدارس', 'طلاب', 'طالب', 'طالبه', 'طالبات', 'طلبه', 'تلاميذ', 'تلميذ', 'معلم', 'معلمه', 'معلمين', 'معلمات', 'مدرس',
    'مدرسين', 'مدرسات', 'فصل', 'فصول', 'صف', 'صفوف', 'حافله', 'حافلات', 'باص', 'باصات', 'تعليم', 'تربيه', 'ابتدائي', 'ابتدائيه',
    'اعدادي', 'اعداديه', 'ثانوي', 'ثانويه', 'روضه', 'مناهج', 'منهج', 'واجبات', 'امتحانات', 'امتحان', 'اختبارات', 'درجات',
    'مقصف', 'school', 'schools', 'student', 'students', 'pupil', 'pupils', 'teacher', 'teachers', 'class', 'classes',
    'classroom', 'classrooms', 'principal', 'headteacher', 'curriculum', 'textbooks', 'homework', 'kindergarten',
    'primary', 'secondary', 'intermediate', 'exams', 'exam', 'grades', 'canteen', 'education', 'madrasa', 'madrasah',
    'mudarris', 'talib', '6ullab', 'tullab',
  ],
  housing: [
    'اسكان', 'اسكاني', 'اسكانيه', 'وحده', 'وحدات', 'شقه', 'شقق', 'قرض', 'قروض', 'تمويل', 'بدل', 'علاوه', 'سكن', 'سكني', 'سكنيه',
    'قسيمه', 'قسايم', 'تمليك', 'مزايا', 'ترميم', 'مفاتيح', 'استلام', 'تخصيص', 'اولويه', 'housing', 'unit', 'units', 'flats',
    'apartment', 'loan', 'loans', 'mortgage', 'finance', 'allowance', 'allocation', 'allocated', 'plot', 'plots', 'ownership',
    'eligibility', 'eligible', 'keys', 'mazaya', 'renovation', 'iskan', 'eskan', 'iskani', 'wa7da', 'wehda', 'gar9', 'qardh',
    'استحقاق', 'انتفاع', 'usufruct',
  ],
  online: [
    'موقع', 'تطبيق', 'ابلكيشن', 'ابليكيشن', 'بوابه', 'الكتروني', 'الكترونيه', 'رمز', 'كلمه', 'سر', 'دخول', 'تسجيل', 'نظام',
    'حجز', 'نموذج', 'تحميل', 'مفتاح', 'هويه', 'ذكيه', 'تحقق', 'خطا', 'خلل', 'يعلق', 'معلق', 'سيرفر', 
    'بنفت', 'اونلاين', 'website', 'site', 'app', 'apps', 'application', 'portal', 'online', 'login', 'logon', 
    'password', 'otp', 'sms', 'verification', 'verify', 'username', 'error', 'errors', 'page', 'ekey',
    'smartcard', 'cpr', 'system', 'booking', 'form', 'upload', 'download', 'browser', 'crashes', 'crashing',
    'freezes', 'frozen', 'loading', 'glitch', 'bug', 'server', 'timeout', 'iphone', 'android', 'ios', 'benefitpay',
    'gateway', 'mawqi3', 'tatbeeq', 'ta6beeq', 'bawaba',
  ],
  rubbish: [
    'قمامه', 'قمايم', 'زباله', 'نفايات', 'نفايه', 'مخلفات', 'حاويه', 'حاويات', 'برميل', 'براميل', 'اكياس', 'انقاض', 'ركام', 'سكراب',
    'نظافه', 'تنظيف', 'كنس', 'رمي', 'اثاث', 'اتربه', 'مكب', 'اوساخ', 'وساخه', 'وسخ', 'قذاره', 'قاذورات', 'متراكمه', 'تراكم',
    'متكدسه', 'مبعثره', 'rubbish', 'garbage', 'waste', 'trash', 'litter', 'littering', 'bin', 'bins', 'skip', 'skips',
    'debris', 'rubble', 'dumping', 'dumped', 'refuse', 'junk', 'filth', 'filthy', 'dirty', 'dirt', 'uncollected', 'pile',
    'piles', 'heap', 'sweeping', 'sweepers', 'furniture', 'cleaning', 'cleanliness', 'collection', 'landfill', 'zbala',
    'zibala', 'zbaala', 'zebala', 'gmama',
  ],
  animals: [
    'كلاب', 'كلب', 'قطط', 'قطه', 'قطاوه', 'بسه', 'بساس', 'حيوان', 'حيوانات', 'سايبه', 'ضاله', 'مسعوره', 'نباح', 'عض', 'عضه', 'حمير',
    'اغنام', 'غنم', 'ماعز', 'جمال', 'ابل', 'بعير', 'خيول', 'خيل', 'مواشي', 'ماشيه', 'ابقار', 'حظيره', 'زريبه', 'ثعابين', 'ثعبان',
    'عقارب', 'فيران', 'فئران', 'جرذان', 'حشرات', 'dog', 'dogs', 'puppies', 'cat', 'cats', 'kittens', 'stray', 'strays',
    'animal', 'animals', 'barking', 'bite', 'bitten', 'rabid', 'goats', 'sheep', 'donkey', 'donkeys', 'camels', 'camel',
    'horses', 'livestock', 'cattle', 'cows', 'snake', 'snakes', 'scorpions', 'rats', 'rodents', 'monkeys', 'pests',
    'klab', 'kilab', 'chlab', 'kalb', 'gtawa', 'bsais', '7aywanat', 'hayawanat',
  ],
  greenery: [
    'حديقه', 'حدايق', 'منتزه', 'منتزهات', 'شجر', 'اشجار', 'شجره', 'زراعه', 'تشجير', 'نخيل', 'نخله', 'نخل', 'عشب', 'نجيل', 'ثيل',
    'ممشي', 'مماشي', 'العاب', 'مراجيح', 'مرجيحه', 'زحليقه', 'مسطح', 'مسطحات', 'ري', 'سقي', 'زرع', 'شتلات', 'ورود', 'زهور', 'اغصان',
    'تقليم', 'يابسه', 'ذابله', 'نافوره', 'مقاعد', 'كراسي', 'ملعب', 'ملاعب', '=park', '=parks', 'garden', 'gardens', 'tree',
    'trees', 'palm', 'palms', 'plant', 'plants', 'grass', 'lawn', 'playground', 'swings', 'slide', 'walkway', 'jogging',
    'landscaping', 'pruning', 'trimming', 'branches', 'flowers', 'shrubs', 'withered', 'fountain',
    'bench', 'benches', 'irrigation', 'sprinklers', '7adeeqa', 'hadeeqa', 'mamsha', 'shajar',
  ],
  construction: [
    'بناء', 'بنا', 'مبني', 'بنايه', 'عماره', 'عمارات', 'انشاءات', 'انشاء', 'اضافه', 'توسعه', 'طابق', 'طوابق', 'ادوار', 'ترخيص', 'رخصه',
    'مرخص', 'تعدي', 'تعديات', 'ارتداد', 'ارتدادات', 'ملحق', 'ملاحق', 'سور', 'جدار', 'حايط', 'مظله', 'مظلات', 'كيربي', 'عزاب', 'مقاول',
    'مقاولين', 'سقالات', 'خرسانه', 'اسمنت', 'هدم', 'مخالف', 'ردم', 'مستودع', 'مفتشين', 'سطح', 'construction', 'building',
    'buildings', 'permit', 'permits', 'licence', 'license', 'unlicensed', 'unauthorised', 'unauthorized', 'extension',
    'annex', 'storey', 'floors', 'setback', 'encroachment', 'encroaching', 'contractor', 'contractors', 'scaffolding',
    'concrete', 'demolition', 'wall', 'fence', 'boundary', 'bachelors', 'partition', 'container', 'roof',
    'inspectors', 'illegal', 'bina', 'binaa', 'mulhaq', 'rukhsa',
  ],
  food: [
    'مطعم', 'مطاعم', 'مقهي', 'مقاهي', 'كافيه', 'كافتيريا', 'كوفي', 'بقاله', 'بقالات', 'سوبرماركت', 'ملحمه', 'قصاب', 'مخبز',
    'مخابز', 'خباز', 'خبز', 'عجين', 'طعام', 'اكل', 'وجبه', 'وجبات', 'سندويش', 'شاورما', 'لحم', 'لحوم', 'دجاج', 'سمك', 'اسماك',
    'مطبخ', 'طباخ', 'فاسد', 'فاسده', 'عفن', 'متعفن', 'منتهي', 'صلاحيه', 'تسمم', 'اسهال', 'ذباب', 'صراصير', 'صرصور', 'قفازات',
    'restaurant', 'restaurants', 'cafe', 'coffee', 'cafeteria', 'grocery', 'supermarket', 'butcher', 'bakery', 'bread', 'food',
    'meal', 'meals', 'sandwich', 'shawarma', 'meat', 'chicken', 'fish', 'kitchen', 'chef', 'cook', 'expired', 'spoiled', 'rotten',
    'stale', 'mould', 'mouldy', 'moldy', 'poisoning', 'diarrhoea', 'hygiene', 'unhygienic', 'cockroach', 'cockroaches', 'roaches',
    'flies', 'gloves', 'hairnet', 'mat3am', 'ma6am', 'mat3m', 'akil', 'akl', 'مسلخ', 'ذبح', 'ثلاجه', 'ثلاجات', 'حلويات', 'عصير',
    'عصاير', 'مشاوي', 'فلافل', 'كرك', 'مطابخ', 'sweets', 'juice', 'karak', 'falafel', 'kebab', 'biryani', 'fridge',
    'refrigerator', 'slaughter', 'abattoir', 'takeaway', 'eatery', 'catering',
  ],
  vehicle: [
    'سياره', 'سيارات', 'مركبه', 'مركبات', 'مهمله', 'مهمل', 'متروكه', 'مهجوره', 'مركونه', 'قاطره', 'سحب', 'وانيت', 'بيكب', 'جيب',
    'هيكل', 'خرده', 'صدا', 'متغبره', 'اطارات', 'تواير', 'تاير', 'بنشر', 'لوحات', 'لوحه', 'قارب', 'قوارب', 'car', 'cars',
    'vehicle', 'vehicles', 'abandoned', 'derelict', 'wreck', 'wrecked', 'tow', 'towed', 'towing', 'plates', 'plate',
    'caravan', 'trailer', 'boat', 'boats', 'dusty', 'tyres', 'tires', 'rust', 'rusty', 'suv', 'pickup',
    'scrap', 'mahjoora', 'sayyara', 'sayara', 'siyara', 'mohmala',
  ],
};
