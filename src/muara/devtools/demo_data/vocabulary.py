"""What officers and residents write: names, streets, landmarks, phone prefixes, complaint texts, remarks.

Kept as text blocks (one per list, parsed by the small helpers here) so a new city or province is a few lines
of words, not code.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


def _lines(text: str, sep: str = "|") -> list[str]:
    return [part.strip() for part in " ".join(text.split("\n")).split(sep) if part.strip()]


def _phrases(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``key`` lines each followed by indented phrases, as (key, phrases) pairs."""
    out: list[tuple[str, list[str]]] = []
    for line in text.strip("\n").splitlines():
        if line.startswith(" "):
            out[-1][1].append(line.strip())
        elif line.strip():
            out.append((line.strip(), []))
    return tuple((key, tuple(phrases)) for key, phrases in out)


FIRST_NAMES = _words("""
    Budi Siti Agus Dewi Rudi Sri Ahmad Nur Andi Rina Dedi Wati Hendra Lestari Rizky Putri Fajar Ayu Muhammad Fitri
    Eko Ratna Joko Indah Bambang Sari Hasan Nurul Irwan Yuni Dian Yusuf Eka Bayu Wahyu""")
COMMON_SURNAMES = _words("Santoso Wijaya Saputra Pratama Kurniawan Setiawan Hidayat Susanto Wibowo Purnomo")
#: first names and surnames heard in each province (by the first two digits of the kode wilayah)
REGIONAL_NAMES: dict[str, tuple[list[str], list[str]]] = {
    "53": (
        _words("""Yohanes Maria Agustinus Fransiska Yosef Theresia Petrus Yuliana Stefanus Agnes Markus Elisabeth
                  Yakobus Margaretha Daniel Ester Marthen Ruth Frans Imelda Fransiskus Goreti"""),
        _words("""Ndun Fanggidae Manafe Tefa Lay Bessie Nope Taneo Benu Kana Pah Seran Ataupah Foenay Messakh Radja
                  Lado Kore Nenoharan Tanesib Haning Riwu"""),
    ),
    "32": (
        _words("Asep Euis Ujang Neneng Cecep Iis Dadang Yanti Deden Ai Entin Jajang Nining Wawan Lilis Dede Imas Ade"),
        _words("""Suryana Hidayat Permana Kurniawan Setiawan Rahmat Sopian Supriatna Saepudin Hermawan Nugraha
                  Ramdani Mulyana Sutisna Gunawan Firmansyah"""),
    ),
    "21": (
        _words("Syahrul Nurhayati Daniel Siska Hendri Rahmawati Boy Tiurma Raja Zulfikar Melati Sinta"),
        _words("""Siregar Nasution Simanjuntak Lubis Hutagalung Saputra Pratama Wijaya Sitorus Tanjung Hasibuan Pane
                  Effendi Harahap"""),
    ),
    "16": (
        _words("Yusuf Hendri Mega Zainal Rohana Cik Kemas Masagus Nyimas Rahmat Sofyan Yuliani"),
        _words("Syafei Rozak Effendi Ibrahim Ismail Harun Zulkarnain Anwar Saputra Pratama Husin Mahmud"),
    ),
    "64": (
        _words("Syamsul Wahyuni Rahmat Fitria Hamdan Nurhayati Arif Sulastri Rusli Hairani"),
        _words("Rahman Syamsuddin Latif Hamzah Rusdi Arsyad Jufri Saleh Mappa Santoso Hidayat Noor"),
    ),
}
COMMON_STREETS = _lines("""
    Jl. Jenderal Sudirman | Jl. Ahmad Yani | Jl. Diponegoro | Jl. Gajah Mada | Jl. Imam Bonjol | Jl. Pattimura |
    Jl. Veteran | Jl. Merdeka | Jl. Pahlawan | Jl. Kartini | Jl. Soekarno–Hatta | Jl. Cut Nyak Dien | Jl. Hasanuddin""")
CITY_STREETS: dict[str, list[str]] = {
    "53.71": _lines("""
        Jl. Timor Raya | Jl. El Tari | Jl. W.J. Lalamentik | Jl. Frans Seda | Jl. Adisucipto | Jl. Piet A. Tallo |
        Jl. Herewila | Jl. Moh. Hatta | Jl. Cak Doko | Jl. Sam Ratulangi | Jl. Eltari II | Jl. Perintis Kemerdekaan |
        Jl. Bundaran PU | Jl. Kelapa Lima | Jl. Oekam"""),
    "32.78": _lines("""
        Jl. HZ. Mustofa | Jl. Otto Iskandardinata | Jl. Siliwangi | Jl. Ir. H. Juanda | Jl. Dr. Soekardjo |
        Jl. Letnan Harun | Jl. Cihideung | Jl. Mitra Batik | Jl. Tentara Pelajar | Jl. Perintis Kemerdekaan"""),
    "21.71": _lines("""
        Jl. Engku Putri | Jl. Raja Haji Fisabilillah | Jl. Laksamana Bintan | Jl. Duyung | Jl. Brigjen Katamso |
        Jl. Raja Ali Haji | Jl. Yos Sudarso | Jl. Hang Tuah | Jl. Ahmad Yani Batam Center"""),
    "16.71": _lines("""
        Jl. Demang Lebar Daun | Jl. Kolonel H. Barlian | Jl. Basuki Rahmat | Jl. Angkatan 45 | Jl. Radial |
        Jl. Residen Abdul Rozak | Jl. Mayor Ruslan | Jl. Kapten A. Rivai | Jl. Sultan Mahmud Badaruddin II"""),
    "64.71": _lines("""
        Jl. MT Haryono | Jl. Marsma R. Iswahyudi | Jl. Ruhui Rahayu | Jl. Syarifuddin Yoes | Jl. Pupuk Raya |
        Jl. Mulawarman | Jl. Letjen Suprapto | Jl. Klandasan | Jl. Gunung Malang"""),
}
LANDMARKS = _lines("""
    depan SD Inpres | samping Masjid Al-Ikhlas | dekat Gereja | depan Puskesmas | seberang Pasar | depan Indomaret |
    dekat Kantor Lurah | ujung gang | samping Alfamart | depan Café Senja | belakang Kantor Camat | dekat Posyandu |
    depan Toko Bangunan | simpang tiga | dekat jembatan | depan Apotek Kimia Farma""")
PLATE_PREFIX = {"53": "DH", "32": "Z", "21": "BP", "16": "BG", "64": "KT"}
PHONE_PREFIXES = _words("""
    0811 0812 0813 0814 0815 0816 0817 0818 0819 0821 0822 0823 0831 0838 0852 0853 0855 0856 0857 0858 0859 0877
    0878 0881 0882 0887 0895 0896 0897 0898""")
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
#: complaint texts by a keyword of the category code (first match wins); {lok} is a place
ADUAN_TEXTS = _phrases("""
lampu
    Lampu jalan mati sejak Jum’at lalu{lok}, jalan gelap dan rawan begal.
    Tiang lampu PJU miring hampir roboh{lok}, mohon segera diperbaiki.
    Tiga titik lampu jalan padam{lok}, sudah dilaporkan ke RT tapi belum ada tindakan.
jalan
    Jalan berlubang cukup dalam{lok}, membahayakan pengendara motor terutama malam hari.
    Aspal rusak dan tergenang air saat hujan{lok}.
    Jalan retak–retak dan ambles sekitar 2 meter{lok}, sudah ada motor yang jatuh.
drainase
    Saluran drainase tersumbat sampah{lok} sehingga air meluap ke jalan saat hujan.
    Got di depan rumah warga tidak mengalir{lok}, bau dan banyak nyamuk.
banjir
    Banjir setinggi lutut{lok} setelah hujan deras tadi malam, air masuk ke rumah warga.
    Genangan air sekitar 30 cm{lok} belum surut sejak kemarin.
sampah
    Sampah menumpuk sudah 3 hari belum diangkut{lok}, bau menyengat.
    TPS penuh dan sampah meluber ke badan jalan{lok}.
    Warga membuang sampah sembarangan di lahan kosong{lok} – mohon dipasang larangan.
pohon
    Pohon besar tumbang menutup sebagian jalan{lok}, mohon segera dipotong.
    Dahan pohon sudah rapuh dan condong ke kabel listrik{lok}.
air
    Air PDAM tidak mengalir sudah 4 hari{lok}, warga terpaksa beli air tangki.
    Pipa air bocor di pinggir jalan{lok}, air terbuang percuma.
parkir
    Parkir liar di bahu jalan{lok} menyebabkan macet setiap sore.
    Kendaraan parkir di trotoar{lok}, pejalan kaki terpaksa jalan di aspal.
angkutan
    Bemo/angkot ngetem lama{lok} dan menurunkan penumpang sembarangan.
    Bus kota tidak berhenti di halte{lok}, jadwal tidak jelas.
puskesmas
    Antrean di puskesmas sangat panjang, pelayanan baru mulai pukul 09.00–09.30.
    Obat di puskesmas sering kosong, pasien disuruh beli di apotek.
rsud
    Pasien menunggu di IGD lebih dari 6 jam karena kamar penuh.
    Pelayanan loket BPJS di rumah sakit lambat dan petugas kurang ramah.
sosial
    Bantuan sosial tidak tepat sasaran{lok}, warga mampu malah terdaftar.
    Lansia di RT kami belum terdaftar penerima bansos{lok}.
adminduk
    KTP-el belum jadi sudah 2 bulan sejak perekaman.
    Pengurusan akta kelahiran lama, sistem sering offline.
pkl
    Pedagang kaki lima berjualan di trotoar{lok} sampai malam.
    Balap liar setiap malam Minggu{lok}, warga terganggu.
kebakaran
    Hidran di lingkungan kami tidak berfungsi{lok}, mohon dicek sebelum kemarau.
    Sisa puing bekas kebakaran belum dibersihkan{lok}.
bencana
    Tebing longsor di belakang rumah warga{lok} setelah hujan semalaman.
    Atap rumah warga rusak diterjang angin kencang{lok}.
izin
    Izin usaha (NIB) sudah diajukan 2 minggu belum ada kabar.
    PBG belum terbit melebihi standar pelayanan, berkas sudah lengkap.
sekolah
    Atap ruang kelas bocor{lok}, murid belajar di teras.
    Ada pungutan seragam di sekolah tanpa penjelasan.
pungli
    Diminta uang tambahan saat mengurus surat di kantor kelurahan.
    Oknum petugas meminta biaya di luar ketentuan.
cctv
    Wi-Fi publik di taman kota tidak bisa dipakai sejak seminggu.
    CCTV di simpang{lok} sepertinya mati, lampunya tidak menyala.
rumah
    Rumah warga lansia hampir roboh{lok}, mohon dibantu program RTLH.
    Permukiman kumuh{lok} belum tersentuh program perbaikan.
pasar
    Harga minyak goreng di pasar naik tidak wajar.
    Lapak pasar becek dan sampah tidak diangkut{lok}.
pencemaran
    Bau limbah dari usaha di sekitar{lok} sangat menyengat, suhu panas 34°C bikin makin parah.
    Asap pembakaran sampah{lok} mengganggu pernapasan anak-anak.
""")
GENERIC_REMARKS = _lines("""
    Sesuai laporan petugas lapangan. | Data diperbarui dari aplikasi. | Menunggu konfirmasi – koordinator. |
    Dicek ulang hari Jum’at. | Catatan: lokasi di Café dekat simpang. | Tidak ada catatan.""")
