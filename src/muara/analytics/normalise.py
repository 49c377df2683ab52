"""Text normalisation for complaint routing: how citizens write (WhatsApp, SMS, SP4N-LAPOR!) mapped onto one
spelling before the n-grams are counted.

Kept deliberately small and general: common chat abbreviations, the negation and "already" words of Kupang /
NTT Malay, Javanese, Sundanese and Palembang, and reduplication written with a ``2``. It is not a dictionary of
the corpus' topic words: topic words are left to the model, which also sees character n-grams, so a typo such
as ``lobang`` or ``sampa`` still shares most of its pieces with the right word.
"""

from __future__ import annotations

import re
import unicodedata

#: chat spellings -> standard Indonesian (one word to one or more words); every entry is a general
#: abbreviation or dialect word, none names a category's topic
ABBREVIATIONS: dict[str, str] = {
    # common chat abbreviations
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "untk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "krna": "karena",
    "dr": "dari",
    "dri": "dari",
    "dlm": "dalam",
    "sdh": "sudah",
    "sdah": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "blm": "belum",
    "blum": "belum",
    "tdk": "tidak",
    "tak": "tidak",
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "kgk": "tidak",
    "jg": "juga",
    "jgn": "jangan",
    "sy": "saya",
    "sya": "saya",
    "sm": "sama",
    "bs": "bisa",
    "bsa": "bisa",
    "hrs": "harus",
    "lg": "lagi",
    "lgi": "lagi",
    "skrg": "sekarang",
    "skrang": "sekarang",
    "kmrn": "kemarin",
    "kmrin": "kemarin",
    "bgt": "sekali",
    "bngt": "sekali",
    "bgmn": "bagaimana",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "tlg": "tolong",
    "tlong": "tolong",
    "mhn": "mohon",
    "pak": "bapak",
    "bpk": "bapak",
    "dpn": "depan",
    "dkt": "dekat",
    "blkg": "belakang",
    "sblh": "sebelah",
    "rmh": "rumah",
    "jln": "jalan",
    "jl": "jalan",
    "jalan2": "jalan",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "mngg": "minggu",
    "hr": "hari",
    "bln": "bulan",
    "thn": "tahun",
    "org": "orang",
    "trs": "terus",
    "trus": "terus",
    "smp": "sampai",
    "sampe": "sampai",
    "ampe": "sampai",
    "aja": "saja",
    "aj": "saja",
    "sj": "saja",
    "kalo": "kalau",
    "klo": "kalau",
    "kl": "kalau",
    "tp": "tapi",
    "tpi": "tapi",
    "msh": "masih",
    "bnyk": "banyak",
    "byk": "banyak",
    "sll": "selalu",
    "sgt": "sangat",
    "skli": "sekali",
    "bkn": "bukan",
    "pdhl": "padahal",
    "ortu": "orang tua",
    "anak2": "anak anak",
    # Kupang / NTT Malay
    "sonde": "tidak",
    "sond": "tidak",
    "son": "tidak",
    "beta": "saya",
    "su": "sudah",
    "botong": "kami",
    "dong": "mereka",
    "ko": "kah",
    "pi": "pergi",
    "deng": "dengan",
    "talalu": "terlalu",
    "lai": "lagi",
    "pung": "punya",
    "sa": "saja",
    "tarendam": "terendam",
    "tagenang": "tergenang",
    # Javanese, Sundanese, Palembang, Batam Malay (function words only)
    "ora": "tidak",
    "mboten": "tidak",
    "teu": "tidak",
    "henteu": "tidak",
    "dak": "tidak",
    "idak": "tidak",
    "nian": "sekali",
    "pisan": "sekali",
    "banget": "sekali",
    "wis": "sudah",
    "sampun": "sudah",
    "tos": "sudah",
    "galo": "semua",
    "kabeh": "semua",
}

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"[@#]\w+")
_REDUP = re.compile(r"\b([a-z]{3,})2\b")  # "lubang2" -> "lubang lubang"
_REPEAT = re.compile(r"([a-z])\1{2,}")  # "gelaaap" -> "gelaap"
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """One complaint as the model reads it: lower case, accents and emoji dropped, links and @mentions removed,
    letters repeated for emphasis shortened, ``kata2`` doubled, chat abbreviations expanded."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    t = _MENTION.sub(" ", _URL.sub(" ", t))
    t = _REPEAT.sub(r"\1\1", t)
    t = _REDUP.sub(r"\1 \1", t)
    words = _NON_WORD.sub(" ", t).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


#: greetings, courtesy and function words: a message made only of these says nothing a router can read
#: ("pak tolong dong", "Dengan hormat, mohon perhatian"), so it is left to a human whatever the model says
_FILLER_WORDS = """
    halo hallo hai selamat pagi siang sore malam assalamualaikum shalom syalom permisi punten maaf mohon tolong
    terima kasih makasih trims dengan hormat yth kepada bapak ibu kaka kakak nona bang abang mas mbak om tante
    pemkot pemerintah kota dinas admin min segera cepat dong deh kah ya yah sih nih tuh itu ini dan atau yang
    untuk dari ke di pada saya kami kita mereka dia perhatian ditindaklanjuti tindak lanjut lapor laporan
    melaporkan mau ingin tanya info apa bagaimana kenapa kapan sudah belum tidak ada juga lagi saja sekali
    sangat banyak terus masih bisa harus akan tapi karena kalau oke ok sip test tes coba
"""
FILLER = frozenset(_FILLER_WORDS.split())


def has_content(text: str) -> bool:
    """Whether the complaint holds at least one word beyond greetings, courtesy and function words."""
    return any(w not in FILLER and len(w) > 2 and not w.isdigit() for w in normalise(text).split())
