/**
 * Other names of the Bahrain profile's areas (data, for place recognition): spellings citizens use
 * besides the taxonomy's name_ar / name_en, in both scripts. Written as people write them; places.ts
 * normalises both sides, so hamza, ة/ه and case variants need no entry of their own, and Arabic
 * names match with or without "ال" and with a clitic in front ("بالبسيتين", "للحورة").
 *
 * `commonWord` marks names that are also everyday words ("الحد" = the limit, "جو" = weather, "سار"
 * = went, "بديع" = wonderful): found without a word such as "في" / "near" before them, they are
 * reported with a low confidence (places.ts).
 * To move into the deployment profile's data when administrators edit areas.
 */
import type { PlaceAlias } from './places.js';

export const BH_PLACE_ALIASES: PlaceAlias[] = [
  { area: 'MANAMA', names: ['Manamah', 'Al Manama', 'Manama city', 'المنامه القديمه'] },
  { area: 'JUFFAIR', names: ['Juffayr', 'Juffer', 'Al Juffair', 'Jufair', 'جفير'] },
  { area: 'ADLIYA', names: ['Adliyah', 'Adliyya', 'Al Adliya', 'عدليه'] },
  { area: 'HOORA', names: ['Hura', 'Al Hoora', 'Hourah', 'Houra'] },
  { area: 'GUDAIBIYA', names: ['Qudaibiya', 'Gudaibiyah', 'Qudaibiyah', 'Gudaibiya', 'Al Qudaibiya'] },
  { area: 'SEEF', names: ['Al Seef', 'Seef district', 'ضاحيه السيف'] },
  { area: 'SEEF', names: ['السيف', 'سيف'], commonWord: true },
  { area: 'SANABIS', names: ['Sanabes', 'Al Sanabis', 'سنابس'] },
  { area: 'SALMANIYA', names: ['Salmaniyah', 'Sulmaniya', 'Salmaniya', 'Al Salmaniya'] },
  { area: 'UMM_AL_HASSAM', names: ['Um Al Hassam', 'Umm Al-Hassam', 'Umm Alhassam', 'Um Alhassam', 'Umm al Hasam', 'ام الحصام'] },
  { area: 'JIDHAFS', names: ['Jidhafs', 'Jid Hafs', 'Jidd Hafs', 'Jedhafs', 'جد حفص'] },
  { area: 'SITRA', names: ['Sitrah', 'Setra'] },
  { area: 'TUBLI', names: ['Toobli', 'Tubly'] },
  { area: 'MUHARRAQ_TOWN', names: ['Muharaq', 'Al Muharraq', 'Muharraq town', 'Moharraq', 'محرق'] },
  { area: 'BUSAITEEN', names: ['Busaitin', 'Busaiteen', 'Al Busaiteen', 'Busayteen', 'Busaiten'] },
  { area: 'ARAD', names: ['Arrad', 'Araad'] },
  { area: 'HIDD', names: ['Al Hidd', 'Al Hid', 'Hedd'] },
  { area: 'HIDD', names: ['الحد'], commonWord: true },
  { area: 'GALALI', names: ['Qalali', 'Galaly', 'قلالى'] },
  { area: 'AMWAJ', names: ['Amwaj', 'Amwaj Island', 'امواج'] },
  { area: 'SAMAHEEJ', names: ['Samahij', 'Samaheij'] },
  { area: 'DAIR', names: ['Al Dair', 'Al Dayr', 'Dayr', 'Deir'] },
  { area: 'DAIR', names: ['الدير'], commonWord: true },
  { area: 'HAMAD_TOWN', names: ['Madinat Hamad', 'Hamad town', 'Hamad city', 'حمد تاون'] },
  { area: 'BUDAIYA', names: ['Budaiyah', 'Budaya', 'Al Budaiya'] },
  { area: 'BUDAIYA', names: ['بديع'], commonWord: true },
  { area: 'SAAR', names: ['Saar village'] },
  { area: 'SAAR', names: ['سار', 'Sar'], commonWord: true },
  { area: 'DIRAZ', names: ['Duraz', 'Draz', 'Al Diraz', 'دراز', 'الديراز'] },
  { area: 'JANABIYA', names: ['Janabiyah', 'Al Janabiya', 'Jannabiya', 'جنبيه'] },
  { area: 'KARZAKAN', names: ['Karzakkan', 'Karzkan', 'كرزكان'] },
  { area: 'MALKIYA', names: ['Malikiya', 'Malkiyah', 'Al Malkiya', 'مالكيه'] },
  { area: 'SEHLA', names: ['Sahla', 'Al Sehla', 'Sehlah'] },
  { area: 'SEHLA', names: ['السهلة', 'سهله'], commonWord: true },
  { area: 'RIFFA', names: ['Rifa', 'Al Riffa', 'East Riffa', 'West Riffa', 'الرفاع الشرقي', 'الرفاع الغربي', 'رفاع'] },
  { area: 'ISA_TOWN', names: ['Madinat Isa', 'Issa Town', 'Isa city', 'Madinat Eisa', 'مدينه عيسي'] },
  { area: 'AWALI', names: ['Awaly'] },
  { area: 'ZALLAQ', names: ['Zallaq', 'Zalaq', 'Al Zallaq', 'زلاق'] },
  { area: 'ASKAR', names: ['Asker', 'Askar village'] },
  { area: 'ASKAR', names: ['عسكر'], commonWord: true },
  { area: 'JAW', names: ['Jau', 'Jaw village'] },
  { area: 'JAW', names: ['جو', 'Jaw'], commonWord: true },
  { area: 'DURRAT', names: ['Durrat', 'Durrat Al Bahrain', 'Durat Al Bahrain', 'درة البحرين'] },
  { area: 'SAKHIR', names: ['Sakheer', 'Al Sakhir', 'صخير'] },
];
