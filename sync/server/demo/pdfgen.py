# mypy: disable-error-code="no-untyped-call"
# (PyMuPDF is only partly annotated; calling its unannotated methods is unavoidable here.)
"""Generated German council documents (PDF) for the demo data of the backend server.

Everything here is deterministic: the same arguments always give the same content (``random.Random(seed)``
drives all choices; even the bytes are identical), nothing is read from the network or the file system.

Text is set in the Nimbus Sans fonts that ship inside MuPDF (the built-in substitutes for Helvetica),
embedded as CID fonts with a Unicode mapping, so umlauts, ß, „Anführungszeichen“, Gedankenstriche and €
extract exactly. For speed (an 820-page budget plan in a few seconds) pages are first laid out as lists of
PDF operators (`_Page`), written with our own line breaking, which never lets text leave its area; `_Book`
then writes them as content streams, registering fonts and pictures once per document.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pymupdf

__all__ = ["budget_plan_pdf", "invitation_pdf", "paper_pdf", "scanned_pdf"]

# --------------------------------------------------------------------------------------------------------
# page geometry (A4, points)

PAGE_W = 595.0
PAGE_H = 842.0
LEFT = 70.0
RIGHT = 525.0
TOP = 62.0
BOTTOM = 780.0
FOOTER_Y = 812.0

REGULAR = "GRrg"
BOLD = "GRbd"

BLACK = (0.0, 0.0, 0.0)
GREY = (0.38, 0.38, 0.4)
LIGHT = (0.9, 0.92, 0.95)
ACCENT = (0.09, 0.27, 0.5)

MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


@functools.cache
def _font(bold: bool = False) -> pymupdf.Font:
    return pymupdf.Font("hebo" if bold else "helv")


def _fontname(bold: bool) -> str:
    return BOLD if bold else REGULAR


def _register_fonts(page: pymupdf.Page) -> None:
    page.insert_font(fontname=REGULAR, fontbuffer=_font(False).buffer)
    page.insert_font(fontname=BOLD, fontbuffer=_font(True).buffer)


class _Advances(dict[str, float]):
    """Glyph advance per character (1 pt font size), filled on first use."""

    def __init__(self, bold: bool) -> None:
        super().__init__()
        self.bold = bold

    def __missing__(self, ch: str) -> float:
        advance = self[ch] = float(_font(self.bold).glyph_advance(ord(ch)))
        return advance


_ADVANCES = (_Advances(False), _Advances(True))


def _width(text: str, size: float, bold: bool = False) -> float:
    """Text width in points (sum of glyph advances; we never kern)."""
    return sum(map(_ADVANCES[bold].__getitem__, text)) * size


def _wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy line breaking at spaces; words longer than a line are split hard."""
    lines: list[str] = []
    space = _width(" ", size, bold)
    for para in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in para.split():
            w = _width(word, size, bold)
            if line and used + space + w <= width:
                line.append(word)
                used += space + w
                continue
            if line:
                lines.append(" ".join(line))
            while w > width:  # pathological long word
                cut = len(word) - 1
                while cut > 1 and _width(word[:cut], size, bold) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = _width(word, size, bold)
            line, used = [word], w
        lines.append(" ".join(line))
    return lines


def _eur(amount: float, cents: bool = True) -> str:
    """German money format: 1.234.567,89 €."""
    text = f"{amount:,.2f}" if cents else f"{amount:,.0f}"
    return text.replace(",", "#").replace(".", ",").replace("#", ".") + " €"


def _num(amount: float) -> str:
    """German thousands separators, no decimals: -1.234.567."""
    text = f"{amount:,.0f}".replace(",", ".")
    return "0" if text == "-0" else text


def _de_date(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def _long_date(d: date) -> str:
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def _town(body_name: str) -> str:
    words = body_name.split()
    return words[-1] if words else "Elbhausen"


# --------------------------------------------------------------------------------------------------------
# text generation

PLACES = [
    "Elbhausen-Nord",
    "Hafenkante",
    "Altes Dorf",
    "Mühlenteich",
    "Lindenallee",
    "Elbpark",
    "Kirchweg",
    "Güterbahnhof",
    "Marktplatz",
    "Feldstraße",
    "Süderfeld",
    "Großer Bleichen",
]
STREETS = [
    "Lindenallee",
    "Mühlenweg",
    "Kirchweg",
    "Feldstraße",
    "Hafenstraße",
    "Am Güterbahnhof",
    "Rathausplatz",
    "Süderstraße",
    "Bleicherweg",
    "Schäferkamp",
    "Große Elbstraße",
    "Grüner Weg",
    "Brückenstraße",
    "Fährhausstraße",
    "Schulstraße",
    "Möllner Landstraße",
]
SCHOOLS = ["Lindenallee", "Am Mühlenteich", "Kirchweg", "Hafenkante", "Süderfeld"]
OFFICES = [
    "Fachamt Stadt- und Landschaftsplanung",
    "Fachamt Management des öffentlichen Raumes",
    "Fachamt Sozialraummanagement",
    "Fachamt Jugend- und Familienhilfe",
    "Fachamt Bauprüfung",
    "Fachamt Verbraucherschutz, Gewerbe und Umwelt",
    "Dezernat Wirtschaft, Bauen und Umwelt",
]
COMMITTEES = [
    "Hauptausschuss",
    "Ausschuss für Planung und Bau",
    "Ausschuss für Mobilität",
    "Jugendhilfeausschuss",
    "Ausschuss für Umwelt und Klimaschutz",
    "Ausschuss für Soziales, Integration und Gesundheit",
    "Regionalausschuss Elbhausen-Nord",
]

GENERAL = [
    "Die Verwaltung hat den Sachstand am {datum} im {gremium} vorgestellt; die dort aufgeworfenen Fragen "
    "werden mit dieser Vorlage beantwortet.",
    "Mit Beschluss vom {datum} hat die Bezirksversammlung das Bezirksamt gebeten, bis zum Ende des "
    "{quartal} Quartals {jahr} über den Stand der Umsetzung zu berichten.",
    "Die Maßnahme ist mit den zuständigen Fachbehörden abgestimmt; grundsätzliche Einwände wurden nicht "
    "erhoben.",
    "Das {amt} wird die Umsetzung fachlich begleiten und dem {gremium} regelmäßig berichten.",
    "Nach der derzeitigen Kostenschätzung belaufen sich die Gesamtkosten auf rund {betrag}.",
    "Eine anteilige Finanzierung aus Mitteln des Quartiersfonds ist in Höhe von {betrag} vorgesehen.",
    "Die Ergebnisse der öffentlichen Plandiskussion vom {datum} sind in die weitere Planung eingeflossen.",
    "Insgesamt gingen {anzahl} schriftliche Stellungnahmen ein, die überwiegend Zustimmung äußerten.",
    "Kritisch angemerkt wurden vor allem die Verkehrsführung während der Bauzeit und der Erhalt der "
    "vorhandenen Grünflächen.",
    "Der Zeitplan sieht den Beginn der Arbeiten im {monat} {jahr} vor; die Fertigstellung ist für das "
    "Frühjahr {jahr2} geplant.",
    "Die Belange von Menschen mit Behinderungen wurden geprüft; alle Zugänge werden barrierefrei gestaltet.",
    "Die Auswirkungen auf den Klimaschutz sind positiv zu bewerten, da der Energiebedarf um etwa {prozent} "
    "Prozent sinkt.",
    "Die Vorlage wurde mit dem Rechtsamt und der Gleichstellungsbeauftragten abgestimmt.",
    "Gegenüber der ursprünglichen Planung ergeben sich Mehrkosten von rund {prozent} Prozent, die im "
    "Wesentlichen auf gestiegene Baupreise zurückzuführen sind.",
    "Die erforderlichen Haushaltsmittel stehen im Produkt {produkt} zur Verfügung.",
    "Eine Beteiligung der Anwohnerinnen und Anwohner erfolgt über eine Online-Befragung und eine "
    "Informationsveranstaltung im Bürgerhaus {ort}.",
    "Die Fraktionen haben in der Sitzung am {datum} um eine ergänzende Stellungnahme des Bezirksamts "
    "gebeten.",
    "Über die Ergebnisse der Ausschreibung wird im nichtöffentlichen Teil einer der nächsten Sitzungen "
    "berichtet.",
    "Aus Sicht der Verwaltung ist die vorgeschlagene Lösung wirtschaftlich und zügig umsetzbar.",
    "Eine Alternative wäre die schrittweise Umsetzung in mehreren Bauabschnitten, was jedoch höhere "
    "Gesamtkosten und eine längere Beeinträchtigung des Quartiers zur Folge hätte.",
    "Die Öffentlichkeit wird über die Internetseite des Bezirks, Aushänge vor Ort und die örtliche Presse "
    "informiert.",
    "Der Seniorenbeirat und der Kinder- und Jugendbeirat wurden beteiligt und unterstützen das Vorhaben.",
    "Für die Dauer der Maßnahme wird eine Ansprechperson im {amt} benannt, die Hinweise aus der "
    "Bevölkerung entgegennimmt.",
    "Die Fördermittelgeberin hat eine Bewilligung bis zum {datum2} in Aussicht gestellt.",
]

TOPICS: dict[str, list[str]] = {
    "planung": [
        "Der Bebauungsplan Elbhausen {nr} soll die planungsrechtlichen Voraussetzungen für rund {wohnungen} "
        "Wohnungen schaffen, davon mindestens ein Drittel öffentlich gefördert.",
        "Das Plangebiet umfasst eine Fläche von etwa {hektar} Hektar zwischen {strasse} und {strasse2}.",
        "Im Rahmen der Öffentlichkeitsbeteiligung nach § 3 Absatz 2 BauGB lag der Planentwurf vom {datum} "
        "bis zum {datum2} öffentlich aus.",
        "Die Erschließung erfolgt über die Straße {strasse}; eine zusätzliche Zufahrt für Rettungsfahrzeuge "
        "ist vorgesehen.",
        "Das Lärmgutachten kommt zu dem Ergebnis, dass an den straßenzugewandten Fassaden passive "
        "Schallschutzmaßnahmen erforderlich sind.",
        "Der Baumbestand wurde kartiert; {anzahl} Bäume können erhalten werden, für die übrigen sind "
        "Ersatzpflanzungen im Plangebiet festgesetzt.",
        "Die Geschossigkeit orientiert sich an der umgebenden Bebauung und steigt zur {strasse} hin auf "
        "fünf Vollgeschosse an.",
        "Mit dem städtebaulichen Vertrag verpflichtet sich die Vorhabenträgerin, eine Kita mit {kita} "
        "Plätzen und einen öffentlichen Spielplatz herzustellen.",
        "Die Nachnutzung der Brachfläche am Güterbahnhof verbindet Wohnen, Gewerbe und eine öffentliche "
        "Grünachse entlang der Bahntrasse.",
    ],
    "schule": [
        "Die Grundschule {schule} wird derzeit von {schueler} Schülerinnen und Schülern in {klassen} Klassen "
        "besucht.",
        "Die Sanierung umfasst die Erneuerung der Fassade, der Fenster und der Haustechnik sowie den Einbau "
        "eines Aufzugs.",
        "Während der Bauzeit wird der Unterricht in einer Containeranlage auf dem Schulhof fortgesetzt.",
        "Schulbau Hamburg hat die Kostenschätzung nach DIN 276 fortgeschrieben; sie beläuft sich nunmehr auf "
        "{betrag}.",
        "Die Mensa wird vergrößert, sodass künftig bis zu {anzahl} Mittagessen täglich ausgegeben werden "
        "können.",
        "Die Sporthalle an der {strasse} erhält einen neuen Schwingboden, eine moderne Lüftungsanlage und "
        "barrierefreie Umkleiden.",
        "Der Schulhof wird teilweise entsiegelt und mit schattenspendenden Bäumen bepflanzt.",
        "Die Schulkonferenz hat dem Raumprogramm am {datum} einstimmig zugestimmt.",
    ],
    "verkehr": [
        "Die Veloroute führt auf einer Länge von {km} Kilometern über die Straßen {strasse} und {strasse2}.",
        "Geplant sind Radfahrstreifen mit einer Breite von 2,25 Metern sowie geschützte Kreuzungsbereiche.",
        "Die Zählung im {monat} ergab durchschnittlich {anzahl} Radfahrende pro Tag, das sind {prozent} "
        "Prozent mehr als im Vorjahr.",
        "Im Abschnitt entfallen {klassen} Stellplätze; im Gegenzug werden Fahrradbügel, Lieferzonen und ein "
        "Carsharing-Standort eingerichtet.",
        "Die Straßenverkehrsbehörde hat der Anordnung von Tempo 30 vor der Schule {schule} zugestimmt.",
        "Die Bushaltestelle erhält Hochborde mit einer Höhe von 18 Zentimetern und ein taktiles Leitsystem.",
        "Während der Bauarbeiten wird der Verkehr halbseitig an der Baustelle vorbeigeführt; Fußwege bleiben "
        "jederzeit begehbar.",
        "Die Fahrbahndecke der Straße {strasse} ist in einem schlechten Zustand und wird grundhaft erneuert.",
        "Für den Ausbau der Ladeinfrastruktur sind {klassen} öffentliche Ladepunkte an fünf Standorten "
        "vorgesehen.",
    ],
    "kita": [
        "Im Quartier {ort} fehlen nach der aktuellen Bedarfsplanung rund {anzahl} Krippen- und "
        "Elementarplätze.",
        "Ein freier Träger beabsichtigt, in einem Neubau an der Straße {strasse} eine Kita mit {kita} "
        "Plätzen zu eröffnen.",
        "Die Betriebserlaubnis soll zum {datum2} erteilt werden; die Außenspielfläche wird gemeinsam mit dem "
        "Fachamt geplant.",
        "Der Spielplatz {ort} wird unter Beteiligung von Kindern aus den umliegenden Kitas und Schulen neu "
        "gestaltet.",
        "Die offene Kinder- und Jugendarbeit erreicht wöchentlich rund {schueler} junge Menschen im Bezirk.",
        "Die Rahmenzuweisung für die Jugendhilfe steigt gegenüber dem Vorjahr um {prozent} Prozent.",
        "Die Familienzentren bieten Beratung, Sprachkurse und offene Treffs für Eltern mit kleinen Kindern "
        "an.",
    ],
    "klima": [
        "Durch die Umstellung auf LED-Leuchten verringert sich der Stromverbrauch um rund {prozent} Prozent, "
        "das entspricht etwa {tonnen} Tonnen CO2 pro Jahr.",
        "Die Fortschreibung des Klimaschutzkonzepts sieht {klassen} Einzelmaßnahmen in den Handlungsfeldern "
        "Gebäude, Mobilität und Grünflächen vor.",
        "Im Elbpark müssen {klassen} Bäume wegen mangelnder Standsicherheit gefällt werden; als Ersatz "
        "werden Stieleichen und Winterlinden gepflanzt.",
        "Die Entsiegelung von Schulhöfen und Plätzen verbessert das Mikroklima und entlastet die "
        "Regenwasserkanäle.",
        "Der Hitzeaktionsplan sieht kühle Räume in öffentlichen Gebäuden, zusätzliche Trinkbrunnen und "
        "angepasste Öffnungszeiten vor.",
        "Auf den Dächern der bezirklichen Gebäude sollen Photovoltaikanlagen mit insgesamt {kita} Kilowatt "
        "Spitzenleistung entstehen.",
        "Die Grünflächenpflege wird künftig stärker auf Artenvielfalt ausgerichtet; Blühwiesen werden nur "
        "noch zweimal im Jahr gemäht.",
    ],
    "finanzen": [
        "Die Sondermittel der Bezirksversammlung betragen im laufenden Jahr {betrag}, davon sind bereits "
        "{prozent} Prozent gebunden.",
        "Der Zuwendungsempfänger hat einen ordnungsgemäßen Verwendungsnachweis vorgelegt.",
        "Die Mittel werden als Festbetragsfinanzierung gewährt; eine Rückforderung ist bei nicht "
        "zweckentsprechender Verwendung möglich.",
        "Für die Stadtteilkultur stehen im Haushaltsjahr {jahr} insgesamt {betrag} zur Verfügung.",
        "Die Antragstellerin hat einen Eigenanteil von {prozent} Prozent der Gesamtkosten nachgewiesen.",
        "Der Haushaltsplan-Entwurf sieht für die Produktgruppe eine Steigerung der Kosten um {prozent} "
        "Prozent vor.",
        "Die Öffnungszeiten des Kundenzentrums werden ab dem {datum2} an zwei Abenden pro Woche bis 19 Uhr "
        "verlängert.",
    ],
}

KEYWORDS = [
    (
        "planung",
        [
            "bebauungsplan",
            "wohnungsbau",
            "güterbahnhof",
            "rahmenplan",
            "grundstück",
            "lageplan",
            "marktplatz",
            "baugenehmigung",
            "vorkaufsrecht",
        ],
    ),
    ("schule", ["schul", "sporthalle", "mensa"]),
    ("verkehr", ["rad", "tempo", "bushaltestelle", "straße", "verkehr", "veloroute", "parkraum", "lade"]),
    ("kita", ["kita", "spielplatz", "jugend", "kinder", "familie", "integration"]),
    ("klima", ["klima", "baum", "led", "umwelt", "elbpark", "hitze", "grünfläche", "lärm"]),
    ("finanzen", ["mittel", "haushalt", "zuwendung", "förder", "kundenzentrum", "kultur"]),
]

DECISIONS = [
    "Die Bezirksversammlung nimmt den Bericht des Bezirksamts zur Kenntnis.",
    "Der {gremium} stimmt der vorgelegten Planung zu und bittet das Bezirksamt, die weiteren Schritte "
    "einzuleiten.",
    "Die Bezirksversammlung beschließt, für die Maßnahme Sondermittel in Höhe von {betrag} bereitzustellen.",
    "Das Bezirksamt wird gebeten, über den Fortgang im {monat} {jahr} im {gremium} zu berichten.",
    "Die Bezirksversammlung bittet das Bezirksamt, die Anregungen aus der Bürgerbeteiligung bei der "
    "weiteren Planung zu berücksichtigen.",
    "Der Ausschuss empfiehlt der Bezirksversammlung, dem Beschlussvorschlag in der vorliegenden Fassung "
    "zuzustimmen.",
    "Die zuständige Fachbehörde wird gebeten, die erforderlichen Mittel im nächsten Doppelhaushalt "
    "bereitzustellen.",
]

SECTIONS: dict[str, tuple[str, str, str, str]] = {
    "Beschlussvorlage": ("Sachverhalt", "Begründung", "Finanzielle Auswirkungen", "Beschlussvorschlag"),
    "Antrag": ("Sachverhalt", "Begründung", "Finanzielle Auswirkungen", "Petitum/Beschlussvorschlag"),
    "Mitteilungsvorlage": ("Sachverhalt", "Bewertung", "Finanzielle Auswirkungen", "Petitum"),
    "Anfrage": ("Vorbemerkung", "Fragen und Antworten", "Kosten", "Hinweis"),
    "Stellungnahme": ("Anlass", "Stellungnahme des Bezirksamts", "Finanzielle Auswirkungen", "Empfehlung"),
    "Anlage": ("Erläuterungen", "Einzelheiten der Planung", "Kostenaufstellung", "Hinweise"),
    "Aktenvermerk": ("Anlass", "Ergebnis der Besprechung", "Kosten", "Weiteres Vorgehen"),
}
EXTRA_SECTIONS = [
    "Ergebnisse der Beteiligung",
    "Auswirkungen auf Klima und Umwelt",
    "Zeitplan",
    "Abwägung der Alternativen",
    "Stellungnahmen der Träger öffentlicher Belange",
]


class _Text:
    """Sentence and paragraph source for one document."""

    def __init__(self, rng: random.Random, title: str, base: date) -> None:
        self.rng = rng
        self.base = base
        low = title.lower()
        topics = [name for name, words in KEYWORDS if any(w in low for w in words)]
        if not topics:
            topics = rng.sample(sorted(TOPICS), 2)
        self.topic_sentences = [s for t in topics for s in TOPICS[t]]

    def _values(self) -> dict[str, str]:
        rng = self.rng
        d1 = self.base - timedelta(days=rng.randrange(20, 300))
        d2 = self.base + timedelta(days=rng.randrange(20, 400))
        year = self.base.year + rng.randrange(0, 2)
        streets = rng.sample(STREETS, 2)
        return {
            "datum": _de_date(d1),
            "datum2": _de_date(d2),
            "gremium": rng.choice(COMMITTEES),
            "amt": rng.choice(OFFICES),
            "quartal": rng.choice(["ersten", "zweiten", "dritten", "vierten"]),
            "jahr": str(year),
            "jahr2": str(year + rng.randrange(1, 3)),
            "monat": rng.choice(MONTHS),
            "betrag": _eur(rng.randrange(40, 9000) * 1000 + rng.choice([0, 500]), cents=False),
            "anzahl": str(rng.randrange(12, 480)),
            "prozent": str(rng.randrange(4, 38)),
            "produkt": f"{rng.choice([11, 21, 36, 51, 54, 55])}.{rng.randrange(1, 9):02d}",
            "ort": rng.choice(PLACES),
            "strasse": streets[0],
            "strasse2": streets[1],
            "nr": str(rng.randrange(3, 40)),
            "wohnungen": str(rng.randrange(8, 70) * 10),
            "hektar": f"{rng.randrange(12, 180) / 10:.1f}".replace(".", ","),
            "schule": rng.choice(SCHOOLS),
            "schueler": str(rng.randrange(180, 640)),
            "klassen": str(rng.randrange(8, 32)),
            "km": f"{rng.randrange(12, 95) / 10:.1f}".replace(".", ","),
            "kita": str(rng.randrange(6, 24) * 10),
            "tonnen": str(rng.randrange(20, 600)),
        }

    def sentence(self, pool: list[str] | None = None) -> str:
        if pool is None:
            pool = self.topic_sentences if self.rng.random() < 0.6 else GENERAL
        return self.rng.choice(pool).format(**self._values())

    def paragraph(self, sentences: int | None = None) -> str:
        count = sentences if sentences is not None else self.rng.randrange(3, 6)
        out: list[str] = []
        while len(out) < count:
            s = self.sentence()
            if s not in out:
                out.append(s)
        return " ".join(out)

    def decisions(self, count: int) -> list[str]:
        picks = self.rng.sample(DECISIONS, count)
        return [p.format(**self._values()) for p in picks]


# --------------------------------------------------------------------------------------------------------
# pictures


def _raster(page: _Page, width: float, dpi: int, *, grey: bool = False) -> bytes:
    """Rasterise a one-page drawing (operators of a _Page) to PNG."""
    doc = pymupdf.open()
    pdf_page = doc.new_page(width=width, height=page.height)
    _register_fonts(pdf_page)
    xref = doc.get_new_xref()
    doc.update_object(xref, "<<>>")
    doc.update_stream(xref, ("\n".join(page.ops)).encode("ascii"))
    doc.xref_set_key(pdf_page.xref, "Contents", f"{xref} 0 R")
    pix = pdf_page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY if grey else pymupdf.csRGB)
    png: bytes = pix.tobytes("png")
    doc.close()
    return png


def _chart_png(
    rng: random.Random,
    title: str,
    labels: list[str],
    values: list[float],
    width: float = 420,
    height: float = 210,
    dpi: int = 110,
) -> bytes:
    """A bar chart (current planning) with the previous planning as a line, grid, axis labels and a legend,
    drawn as vectors and rasterised to PNG."""
    page = _Page(height=height)
    page.rect(0, 0, width, height, fill=(1, 1, 1))
    x0, y0, x1, y1 = 58.0, 34.0, width - 14, height - 26
    previous = [v * rng.uniform(0.8, 1.12) for v in values]
    top = max(values + previous) * 1.12 or 1.0
    for i in range(5):
        y = y1 - (y1 - y0) * i / 4
        page.line(x0, y, x1, y, (0.82, 0.84, 0.88), 0.6)
        label = _num(top * i / 4 / 1000) + " T€"
        page.text(x0 - 5, y + 2.5, label, 7, color=GREY, align="right")
    palette = [(0.16, 0.4, 0.68), (0.9, 0.55, 0.16), (0.3, 0.62, 0.38), (0.62, 0.3, 0.5)]
    color = rng.choice(palette)
    line_color = (0.75, 0.15, 0.15)
    slot = (x1 - x0) / len(values)
    points = []
    for i, (v, old) in enumerate(zip(values, previous, strict=True)):
        h = (y1 - y0) * v / top
        page.rect(x0 + slot * (i + 0.18), y1 - h, x0 + slot * (i + 0.82), y1, fill=color)
        page.text(x0 + slot * (i + 0.5), y1 + 12, labels[i], 7.5, align="center")
        points.append((x0 + slot * (i + 0.5), y1 - (y1 - y0) * old / top))
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        page.line(ax, ay, bx, by, line_color, 1.3)
    for px, py in points:
        page.rect(px - 2.2, py - 2.2, px + 2.2, py + 2.2, fill=line_color)
    page.line(x0, y0, x0, y1, (0.2, 0.2, 0.2), 0.9)
    page.line(x0, y1, x1, y1, (0.2, 0.2, 0.2), 0.9)
    page.text(x0, 16, title, 10, bold=True)
    # legend, top right
    lx = x1 - _width("Vorherige Planung", 7) - 118
    page.rect(lx, 22, lx + 9, 29, fill=color)
    page.text(lx + 13, 28.5, "Planung", 7)
    lx += 13 + _width("Planung", 7) + 14
    page.line(lx, 25.5, lx + 14, 25.5, line_color, 1.3)
    page.rect(lx + 4.8, 23.3, lx + 9.2, 27.7, fill=line_color)
    page.text(lx + 18, 28.5, "Vorherige Planung", 7)
    return _raster(page, width, dpi)


def _map_png(rng: random.Random, width: int = 360, height: int = 240) -> bytes:
    """A map-like site plan ('Lageplan') built directly from raw RGB samples."""
    pix = bytearray(bytes((232, 236, 222)) * (width * height))  # pale green ground

    def fill(x0: int, y0: int, x1: int, y1: int, rgb: tuple[int, int, int]) -> None:
        x0, x1 = max(0, x0), min(width, x1)
        row = bytes(rgb) * max(0, x1 - x0)
        for y in range(max(0, y0), min(height, y1)):
            start = (y * width + x0) * 3
            pix[start : start + len(row)] = row

    # building blocks in a grid, streets between them
    col_edges = sorted(rng.sample(range(40, width - 40), 3))
    row_edges = sorted(rng.sample(range(40, height - 40), 2))
    xs = [0, *col_edges, width]
    ys = [0, *row_edges, height]
    for xi in range(len(xs) - 1):
        for yi in range(len(ys) - 1):
            bx0, bx1, by0, by1 = xs[xi] + 9, xs[xi + 1] - 9, ys[yi] + 9, ys[yi + 1] - 9
            if rng.random() < 0.25:
                fill(bx0, by0, bx1, by1, (196, 220, 178))  # park
                continue
            for _ in range(rng.randrange(2, 5)):
                w = rng.randrange(12, max(13, (bx1 - bx0) // 2))
                h = rng.randrange(10, max(11, (by1 - by0) // 2))
                x = rng.randrange(bx0, max(bx0 + 1, bx1 - w))
                y = rng.randrange(by0, max(by0 + 1, by1 - h))
                fill(x, y, x + w, y + h, (205, 160, 150))
                fill(x + 2, y + 2, x + w - 2, y + h - 2, (222, 184, 172))
    for x in col_edges:
        fill(x - 5, 0, x + 5, height, (250, 250, 250))
    for y in row_edges:
        fill(0, y - 5, width, y + 5, (250, 250, 250))
    # the plan area: a red frame around one block
    px0, py0 = xs[1] + 5, ys[1] + 5
    px1, py1 = xs[2] - 5, ys[2] - 5
    for edge in (
        (px0, py0, px1, py0 + 3),
        (px0, py1 - 3, px1, py1),
        (px0, py0, px0 + 3, py1),
        (px1 - 3, py0, px1, py1),
    ):
        fill(*edge, (200, 30, 40))
    # a river along the bottom
    for x in range(width):
        y = height - 26 + int(6 * ((x * 7919 + 13) % 17) / 17)
        fill(x, y, x + 1, height, (150, 190, 225))
    out = pymupdf.Pixmap(pymupdf.csRGB, width, height, bytes(pix), False)
    png: bytes = out.tobytes("png")
    return png


# --------------------------------------------------------------------------------------------------------
# pages as lists of PDF operators, rendered in one go

Color = tuple[float, float, float]


class _Glyphs(dict[int, str]):
    """Translation table: code point -> glyph id of the embedded font as 4 hex digits (Identity-H)."""

    def __init__(self, bold: bool) -> None:
        super().__init__()
        self.bold = bold

    def __missing__(self, code: int) -> str:
        font = _font(self.bold)
        glyph = self[code] = f"{font.has_glyph(code) or font.has_glyph(ord('?')):04x}"
        return glyph


_GLYPHS = (_Glyphs(False), _Glyphs(True))


def _hex(text: str, bold: bool) -> str:
    return text.translate(_GLYPHS[bold])


def _rgb(color: Color) -> str:
    return f"{color[0]:.3g} {color[1]:.3g} {color[2]:.3g}"


@dataclass
class _Box:
    rect: pymupdf.Rect
    text: str
    size: float
    bold: bool
    color: Color
    at: int  # position in the page's operators, so that the reading order follows the layout


@dataclass
class _Page:
    """Content of one page: PDF operators (y measured from the top, converted here), pictures, text boxes."""

    ops: list[str] = field(default_factory=list)
    images: list[tuple[pymupdf.Rect, str]] = field(default_factory=list)
    boxes: list[_Box] = field(default_factory=list)
    height: float = PAGE_H

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: Color = BLACK,
        align: str = "left",
    ) -> None:
        if align == "right":
            x -= _width(text, size, bold)
        elif align == "center":
            x -= _width(text, size, bold) / 2
        self.ops.append(
            f"BT /{_fontname(bold)} {size:g} Tf {_rgb(color)} rg 1 0 0 1 {x:.2f} "
            f"{self.height - baseline:.2f} Tm <{_hex(text, bold)}> Tj ET"
        )

    def line(
        self, x0: float, y0: float, x1: float, y1: float, color: Color = BLACK, width: float = 0.6
    ) -> None:
        self.ops.append(
            f"{width:g} w {_rgb(color)} RG {x0:.2f} {self.height - y0:.2f} m "
            f"{x1:.2f} {self.height - y1:.2f} l S"
        )

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        *,
        fill: Color | None = None,
        stroke: Color | None = None,
        width: float = 0.6,
    ) -> None:
        path = f"{x0:.2f} {self.height - y1:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re"
        if fill is not None and stroke is not None:
            self.ops.append(f"{width:g} w {_rgb(fill)} rg {_rgb(stroke)} RG {path} B")
        elif fill is not None:
            self.ops.append(f"{_rgb(fill)} rg {path} f")
        elif stroke is not None:
            self.ops.append(f"{width:g} w {_rgb(stroke)} RG {path} S")

    def image(self, rect: pymupdf.Rect, key: str) -> None:
        self.images.append((rect, key))

    def textbox(
        self, rect: pymupdf.Rect, text: str, size: float, *, bold: bool = False, color: Color = BLACK
    ) -> None:
        self.boxes.append(_Box(rect, text, size, bold, color, len(self.ops)))


@dataclass
class _Book:
    """The pages of one document plus the pictures they use (each picture is stored once)."""

    pages: list[_Page] = field(default_factory=list)
    pictures: dict[str, bytes] = field(default_factory=dict)

    def new_page(self) -> _Page:
        self.pages.append(_Page())
        return self.pages[-1]

    def render(
        self,
        *,
        footer: str | None,
        title: str,
        author: str,
        subject: str,
        toc: list[list[int | str]] | None = None,
    ) -> bytes:
        doc = pymupdf.open()
        with_text = footer is not None or any(p.ops or p.boxes for p in self.pages)
        fonts = ""
        image_xrefs: dict[str, int] = {}
        total = len(self.pages)
        for number, content in enumerate(self.pages, start=1):
            page = doc.new_page(width=PAGE_W, height=PAGE_H)
            if not with_text:
                pass
            elif not fonts:
                regular = page.insert_font(fontname=REGULAR, fontbuffer=_font(False).buffer)
                bold = page.insert_font(fontname=BOLD, fontbuffer=_font(True).buffer)
                fonts = f"<</{REGULAR} {regular} 0 R /{BOLD} {bold} 0 R>>"
            else:
                doc.xref_set_key(page.xref, "Resources", f"<</Font {fonts}>>")
            segments: list[list[str] | int] = []
            done = 0
            for box in content.boxes:
                segments.append(content.ops[done : box.at])
                done = box.at
                known = set(page.get_contents())
                rc = page.insert_textbox(
                    box.rect,
                    box.text,
                    fontname=_fontname(box.bold),
                    fontsize=box.size,
                    color=box.color,
                    lineheight=1.2,
                )
                if rc < 0:  # did not fit (nothing was written): set it line by line instead
                    segments.append(_box_lines(box))
                segments.extend(x for x in page.get_contents() if x not in known)
            segments.append(content.ops[done:])
            if footer is not None:
                segments.append(_footer_ops(footer, number, total))
            contents: list[int] = []
            for segment in segments:
                if isinstance(segment, int):
                    contents.append(segment)
                elif segment:
                    xref = doc.get_new_xref()
                    doc.update_object(xref, "<<>>")
                    doc.update_stream(
                        xref, ("q\n" + "\n".join(segment) + "\nQ\n").encode("ascii"), compress=False
                    )
                    contents.append(xref)
            doc.xref_set_key(page.xref, "Contents", "[" + " ".join(f"{x} 0 R" for x in contents) + "]")
            for rect, key in content.images:
                if key in image_xrefs:
                    page.insert_image(rect, xref=image_xrefs[key])
                else:
                    image_xrefs[key] = page.insert_image(rect, stream=self.pictures[key])
        if toc:
            doc.set_toc(toc)
        stamp = "D:20260101120000+01'00'"  # fixed, so that repeated runs give the same file
        doc.set_metadata(
            {
                "title": title,
                "author": author,
                "subject": subject,
                "creator": "Gremalda Demo",
                "producer": "Gremalda pdfgen (PyMuPDF)",
                "creationDate": stamp,
                "modDate": stamp,
            }
        )
        data: bytes = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
        doc.close()
        return data


def _box_lines(box: _Box) -> list[str]:
    page = _Page()
    lines = _wrap(box.text, box.rect.width - 2, box.size, box.bold)
    for i, line in enumerate(lines):
        page.text(
            box.rect.x0 + 1,
            box.rect.y0 + box.size * (1 + 1.2 * i),
            line,
            box.size,
            bold=box.bold,
            color=box.color,
        )
    return page.ops


def _footer_ops(left: str, number: int, total: int) -> list[str]:
    page = _Page()
    page.line(LEFT, FOOTER_Y - 11, RIGHT, FOOTER_Y - 11, GREY, 0.4)
    page.text(LEFT, FOOTER_Y, _fit(left, RIGHT - LEFT - 90, 8, False), 8, color=GREY)
    page.text(RIGHT, FOOTER_Y, f"Seite {number} von {total}", 8, color=GREY, align="right")
    return page.ops


# --------------------------------------------------------------------------------------------------------
# flowing layout


@dataclass
class _Flow:
    """Puts text, tables and pictures top-down onto pages, starting a new page when something does not fit."""

    book: _Book
    running_head: str = ""
    page: _Page | None = None
    y: float = TOP

    @property
    def pages(self) -> int:
        return len(self.book.pages)

    def new_page(self) -> _Page:
        self.page = page = self.book.new_page()
        self.y = TOP
        if self.running_head and self.pages > 1:
            page.text(LEFT, TOP, _fit(self.running_head, RIGHT - LEFT, 8, False), 8, color=GREY)
            page.line(LEFT, TOP + 5, RIGHT, TOP + 5, GREY, 0.4)
            self.y = TOP + 24
        return page

    @property
    def cur(self) -> _Page:
        return self.page if self.page is not None else self.new_page()

    def ensure(self, height: float) -> _Page:
        if self.page is None or self.y + height > BOTTOM:
            return self.new_page()
        return self.page

    def space(self, height: float) -> None:
        self.y = min(self.y + height, BOTTOM)

    def lines(
        self,
        lines: list[str],
        *,
        size: float = 10,
        leading: float = 13.6,
        indent: float = 0,
        bold: bool = False,
        color: Color = BLACK,
        label: str = "",
    ) -> None:
        for i, line in enumerate(lines):
            page = self.ensure(leading)
            baseline = self.y + size
            if i == 0 and label:
                page.text(LEFT + indent - 4, baseline, label, size, bold=bold, color=color, align="right")
            page.text(LEFT + indent, baseline, line, size, bold=bold, color=color)
            self.y += leading

    def paragraph(
        self,
        text: str,
        *,
        size: float = 10,
        leading: float = 13.6,
        indent: float = 0,
        bold: bool = False,
        after: float = 7,
        label: str = "",
    ) -> None:
        lines = _wrap(text, RIGHT - LEFT - indent, size, bold)
        if len(lines) > 1:
            self.ensure(2 * leading)  # no single line at the bottom of a page
        self.lines(lines, size=size, leading=leading, indent=indent, bold=bold, label=label)
        self.space(after)

    def heading(self, text: str, *, size: float = 11.5, keep: float = 48) -> None:
        lines = _wrap(text, RIGHT - LEFT, size, True)
        self.ensure(len(lines) * size * 1.3 + keep)  # keep the heading with what follows
        if self.y > TOP + 30:
            self.space(5)
        self.lines(lines, size=size, leading=size * 1.3, bold=True, color=ACCENT)
        self.space(4)

    def textbox(self, text: str, *, size: float, bold: bool = False, color: Color = BLACK) -> None:
        """A short block (titles), set with insert_textbox into a rect sized by our own line breaking."""
        lines = len(_wrap(text, RIGHT - LEFT - 4, size, bold))
        height = lines * size * 1.2 + size * 0.6
        page = self.ensure(height)
        page.textbox(pymupdf.Rect(LEFT, self.y, RIGHT, self.y + height), text, size, bold=bold, color=color)
        self.y += height

    def table(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        *,
        aligns: str = "",
        size: float = 9,
        row_h: float = 17,
        bold_last: bool = False,
        x0: float = LEFT,
    ) -> None:
        """A ruled table; the whole table moves to the next page when it does not fit."""
        page = self.ensure(row_h * (len(rows) + 1) + size * 1.2 + 6)
        self.y = 8 + _table(
            page,
            self.y,
            header,
            rows,
            widths,
            aligns=aligns,
            size=size,
            row_h=row_h,
            bold_last=bold_last,
            x0=x0,
        )

    def image(self, key: str, width: float, height: float, caption: str = "") -> None:
        """Centered picture (from book.pictures) with a caption."""
        page = self.ensure(height + 22)
        x = LEFT + (RIGHT - LEFT - width) / 2
        page.image(pymupdf.Rect(x, self.y, x + width, self.y + height), key)
        page.rect(x, self.y, x + width, self.y + height, stroke=(0.7, 0.7, 0.72), width=0.5)
        self.y += height + 4
        if caption:
            page.text(LEFT + (RIGHT - LEFT) / 2, self.y + 8, caption, 8.5, color=GREY, align="center")
            self.y += 14
        self.y += 6


def _fit(cell: str, width: float, size: float, bold: bool) -> str:
    """Shorten a cell with an ellipsis if it is wider than `width` (tables are sized so this is rare)."""
    while cell and _width(cell, size, bold) > width:
        cell = cell[:-2] + "…"
    return cell


def _table(
    page: _Page,
    top: float,
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    *,
    aligns: str = "",
    size: float = 9,
    row_h: float = 17,
    bold_last: bool = False,
    x0: float = LEFT,
    shade: bool = False,
    bold_rows: frozenset[int] = frozenset(),
) -> float:
    """Draw a ruled table with a shaded header row (header cells wrap onto two lines when needed);
    bold rows get a stronger rule above them. Returns the table's bottom."""
    aligns = aligns or "l" * len(widths)
    if bold_last:
        bold_rows = bold_rows | {len(rows) - 1}
    total = sum(widths)
    x1 = x0 + total
    head = [_wrap(cell, w - 8, size, True)[:2] for cell, w in zip(header, widths, strict=True)]
    head_h = row_h if all(len(h) == 1 for h in head) else row_h + size * 1.3
    bottom = top + head_h + row_h * len(rows)
    page.rect(x0, top, x1, top + head_h, fill=LIGHT)
    x = x0
    for lines, w, a in zip(head, widths, aligns, strict=True):
        baseline = top + (head_h - size * 1.3 * (len(lines) - 1)) / 2 + size * 0.36
        for line in lines:
            line = _fit(line, w - 8, size, True)
            if a == "r":
                page.text(x + w - 4, baseline, line, size, bold=True, align="right")
            else:
                page.text(x + 4, baseline, line, size, bold=True)
            baseline += size * 1.3
        x += w
    if shade:
        for r in range(1, len(rows), 2):
            page.rect(
                x0, top + head_h + r * row_h, x1, top + head_h + (r + 1) * row_h, fill=(0.965, 0.97, 0.975)
            )
    for r, row in enumerate(rows):
        baseline = top + head_h + r * row_h + row_h / 2 + size * 0.36
        bold = r in bold_rows
        x = x0
        for cell, w, a in zip(row, widths, aligns, strict=True):
            cell = _fit(cell, w - 8, size, bold)
            if a == "r":
                page.text(x + w - 4, baseline, cell, size, bold=bold, align="right")
            else:
                page.text(x + 4, baseline, cell, size, bold=bold)
            x += w
    grid = []
    for y in [top, *(top + head_h + r * row_h for r in range(len(rows) + 1))]:
        grid.append(f"{x0:.2f} {page.height - y:.2f} m {x1:.2f} {page.height - y:.2f} l")
    x = x0
    for w in [0.0, *widths]:
        x += w
        grid.append(f"{x:.2f} {page.height - top:.2f} m {x:.2f} {page.height - bottom:.2f} l")
    page.ops.append("0.5 w 0.35 0.35 0.38 RG " + " ".join(grid) + " S")
    for r in sorted(bold_rows):
        y = top + head_h + r * row_h
        page.line(x0, y, x1, y, BLACK, 0.9)
    return bottom


# --------------------------------------------------------------------------------------------------------
# Drucksachen


@dataclass
class _Paper:
    title: str
    reference: str
    paper_type: str
    body_name: str
    date: date
    sections: tuple[str, str, str, str]
    consultation: list[list[str]]
    intro: str
    reasoning: str
    short: tuple[str, str]  # intro and reasoning for one-page documents
    pool: list[tuple[int, str]]  # (section, paragraph) added one by one to fill the pages
    extra_titles: list[str]
    finance: str
    cost_rows: list[list[str]]
    chart: bytes
    site_plan: bytes | None
    decisions: list[str]
    signer: str
    office: str
    attachments: list[str] = field(default_factory=list)


def _paper_content(
    title: str, reference: str, paper_type: str, body_name: str, seed: int, pages: int
) -> _Paper:
    from sync.server.demo import names

    rng = random.Random(f"paper:{seed}")
    day = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 420))
    text = _Text(rng, title, day)
    committees = rng.sample(COMMITTEES[1:], rng.randrange(1, 3))
    consultation = [
        [_de_date(day + timedelta(days=14 + 9 * i)), c, "Vorberatung", "öffentlich"]
        for i, c in enumerate(committees)
    ]
    consultation.append(
        [
            _de_date(day + timedelta(days=14 + 9 * len(committees) + 7)),
            "Hauptausschuss" if rng.random() < 0.3 else body_name,
            "Entscheidung",
            "öffentlich",
        ]
    )
    pool_sections = [0, 1, 2, 0, 1, 3, 1, 0, 4]
    pool = [(pool_sections[i % len(pool_sections)], text.paragraph()) for i in range(max(6, pages * 11))]
    extra_titles = rng.sample(EXTRA_SECTIONS, 3)

    year = day.year + (1 if day.month > 9 else 0)
    rows: list[list[str]] = []
    sums: list[float] = []
    invest_total = consum_total = 0.0
    invest = rng.randrange(80, 2400) * 1000.0
    for i in range(rng.randrange(3, 6)):
        inv = round(invest * rng.uniform(0.4, 1.3), -2) if i < 3 else 0.0
        con = round(rng.randrange(15, 260) * 1000 + rng.randrange(0, 10) * 125.5, 2)
        invest_total += inv
        consum_total += con
        sums.append(inv + con)
        rows.append([str(year + i), _eur(inv), _eur(con), _eur(inv + con)])
    rows.append(["Gesamt", _eur(invest_total), _eur(consum_total), _eur(invest_total + consum_total)])
    finance = (
        f"Für die Maßnahme entstehen Kosten von insgesamt {_eur(invest_total + consum_total)}. "
        + text.sentence(GENERAL[4:6] + GENERAL[13:15])
    )
    chart = _chart_png(rng, "Mittelbedarf je Haushaltsjahr", [r[0] for r in rows[:-1]], sums)
    low = title.lower()
    wants_map = paper_type in ("Anlage", "Stellungnahme") or any(
        w in low for w in ("lageplan", "bebauungsplan", "spielplatz", "marktplatz")
    )
    site_plan = _map_png(rng) if wants_map else None
    attachments = ["Anlage 1: Lageplan und Kostenaufstellung"] if rng.random() < 0.6 else []
    if rng.random() < 0.4:
        attachments.append("Anlage 2: Stellungnahmen aus der Öffentlichkeitsbeteiligung")
    return _Paper(
        title=title,
        reference=reference,
        paper_type=paper_type,
        body_name=body_name,
        date=day,
        sections=SECTIONS.get(paper_type, SECTIONS["Beschlussvorlage"]),
        consultation=consultation,
        intro=text.paragraph(),
        reasoning=text.paragraph(),
        short=(text.paragraph(2), text.paragraph(1)),
        pool=pool,
        extra_titles=extra_titles,
        finance=finance,
        cost_rows=rows,
        chart=chart,
        site_plan=site_plan,
        decisions=text.decisions(rng.randrange(1, 4)),
        signer=f"{rng.choice(names.GIVEN)} {rng.choice(names.FAMILY)}",
        office=rng.choice(OFFICES),
        attachments=attachments,
    )


def _masthead(page: _Page, name: str, subline: str) -> None:
    """Name (shrunk, at most two lines) and address line left of the box in the top right corner."""
    width = RIGHT - 160 - LEFT
    size = 15.0
    while size > 11 and _width(name, size, True) > width:
        size -= 0.5
    lines = _wrap(name, width, size, True)
    if len(lines) > 2:
        lines = [lines[0], _fit(" ".join(lines[1:]), width, size, True)]
    y = TOP + 6 if len(lines) == 1 else TOP - 1
    for line in lines:
        page.text(LEFT, y, line, size, bold=True, color=ACCENT)
        y += size * 1.35
    page.text(LEFT, y + 3, _fit(subline, width, 8.5, False), 8.5, color=GREY)


def _letterhead(flow: _Flow, p: _Paper) -> None:
    page = flow.new_page()
    town = _town(p.body_name)
    _masthead(page, p.body_name, f"Bezirksamt {town} · Rathausplatz 1 · 21029 {town}")
    x0, y0 = RIGHT - 150, TOP - 14
    page.rect(x0, y0, RIGHT, TOP + 40, stroke=ACCENT, width=0.8)
    page.text(x0 + 8, y0 + 13, "Drucksache", 8.5, color=GREY)
    page.text(x0 + 8, y0 + 31, p.reference, 15, bold=True)
    page.text(x0 + 8, y0 + 47, f"Datum: {_de_date(p.date)}", 8.5)
    page.line(LEFT, TOP + 52, RIGHT, TOP + 52, ACCENT, 1.6)
    flow.y = TOP + 70
    page.text(LEFT, flow.y + 10, p.paper_type, 11, bold=True, color=GREY)
    flow.y += 18
    flow.textbox(p.title, size=14, bold=True)
    flow.space(8)


def _layout_paper(p: _Paper, extra: int, compact: bool) -> _Book:
    book = _Book(pictures={"chart": p.chart})
    if p.site_plan is not None:
        book.pictures["plan"] = p.site_plan
    flow = _Flow(book, running_head=f"{p.body_name} · Drucksache {p.reference}")
    _letterhead(flow, p)
    if not compact:
        flow.cur.text(LEFT, flow.y + 9, "Beratungsfolge:", 9, bold=True)
        flow.y += 14
        flow.table(
            ["Datum", "Gremium", "Zuständigkeit", "Status"],
            p.consultation,
            [70, 215, 95, 75],
            size=8.5,
            row_h=15,
        )
        flow.space(4)
    added: dict[int, list[str]] = {}
    for section, para in p.pool[:extra]:
        added.setdefault(section, []).append(para)
    s_intro, s_reason, s_finance, s_decision = p.sections
    flow.heading(s_intro)
    for para in [p.short[0] if compact else p.intro, *added.get(0, [])]:
        flow.paragraph(para)
    with_plan = p.site_plan is not None and not compact
    flow.heading(s_reason, keep=270 if with_plan else 48)
    if with_plan:
        flow.image("plan", 330, 220, "Abbildung 1: Lageplan (unmaßstäblich), Plangebiet rot umrandet")
    for para in [p.short[1] if compact else p.reasoning, *added.get(1, [])]:
        flow.paragraph(para)
    for i, title in enumerate(p.extra_titles):
        paras = added.get(i + 2, [])
        if paras:
            flow.heading(title)
            for para in paras:
                flow.paragraph(para)
    flow.heading(s_finance, keep=120)
    flow.paragraph(p.finance)
    flow.table(
        ["Haushaltsjahr", "Investive Mittel", "Konsumtive Mittel", "Summe"],
        p.cost_rows,
        [95, 120, 120, 120],
        aligns="lrrr",
        bold_last=True,
    )
    number = 2 if with_plan else 1
    chart_w, chart_h = (260.0, 130.0) if compact else (380.0, 190.0)
    flow.image("chart", chart_w, chart_h, f"Abbildung {number}: Mittelbedarf je Haushaltsjahr")
    flow.heading(s_decision)
    decisions = p.decisions[:1] if compact else p.decisions
    for i, decision in enumerate(decisions, start=1):
        flow.paragraph(
            decision, indent=16 if len(decisions) > 1 else 0, label=f"{i}." if len(decisions) > 1 else ""
        )
    if p.attachments and not compact:
        flow.heading("Anlagen", keep=30)
        for line in p.attachments:
            flow.paragraph(line, after=2)
    page = flow.ensure(46)
    flow.space(12)
    page.text(LEFT, flow.y + 10, p.office, 9.5, color=GREY)
    page.text(LEFT, flow.y + 24, f"gez. {p.signer}", 9.5)
    flow.y += 30
    return book


def paper_pdf(
    *, title: str, reference: str, paper_type: str, body_name: str, seed: int, pages: int = 3
) -> bytes:
    """A Drucksache (Beschlussvorlage, Antrag, Mitteilungsvorlage, Anlage, Aktenvermerk …) of exactly `pages`
    pages: letterhead, title, Beratungsfolge, prose sections, a cost table and pictures, page numbers."""
    if pages < 1:
        raise ValueError("pages must be at least 1")
    content = _paper_content(title, reference, paper_type, body_name, seed, pages)
    compact = pages == 1
    # the largest number of extra paragraphs that still gives `pages` pages (page count grows with it)
    lo, hi = 0, len(content.pool)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(_layout_paper(content, mid, compact).pages) <= pages:
            lo = mid
        else:
            hi = mid - 1
    book = _layout_paper(content, lo, compact)
    return book.render(
        footer=f"{paper_type} {reference}", title=title, author=body_name, subject=f"{paper_type} {reference}"
    )


# --------------------------------------------------------------------------------------------------------
# Einladung

INVITATION_NOTES = [
    "Die Sitzung ist öffentlich; Gäste sind herzlich willkommen. Der Sitzungssaal ist barrierefrei "
    "erreichbar.",
    "Die Sitzung wird als Livestream auf der Internetseite des Bezirks übertragen.",
    "Bitte teilen Sie eine Verhinderung rechtzeitig der Geschäftsstelle mit, damit Ihre Vertretung "
    "benachrichtigt werden kann.",
    "Fragen für die öffentliche Fragestunde können bis drei Werktage vor der Sitzung schriftlich bei der "
    "Geschäftsstelle eingereicht werden.",
    "Die Sitzungsunterlagen stehen im Ratsinformationssystem und in der Gremalda-App zur Verfügung.",
]


def invitation_pdf(
    *,
    organization: str,
    meeting_name: str,
    start: datetime,
    location: str,
    agenda: list[tuple[str, str, bool]],
    seed: int,
) -> bytes:
    """An Einladung: letterhead, date, time and place, then the agenda (number, title, public flag), the
    non-public items under the heading 'Nichtöffentlicher Teil'; as many pages as the agenda needs."""
    from sync.server.demo import names

    rng = random.Random(f"invitation:{seed}")
    sent = start.date() - timedelta(days=rng.randrange(8, 15))
    chair = f"{rng.choice(names.GIVEN)} {rng.choice(names.FAMILY)}"
    book = _Book()
    flow = _Flow(book, running_head=f"{organization} · Einladung zur {meeting_name}")
    page = flow.new_page()
    _masthead(page, organization, "Geschäftsstelle der Gremien · Rathausplatz 1")
    x0, y0 = RIGHT - 150, TOP - 14
    page.rect(x0, y0, RIGHT, TOP + 40, stroke=ACCENT, width=0.8)
    page.text(x0 + 8, y0 + 13, "Einladung", 8.5, color=GREY)
    page.text(x0 + 8, y0 + 31, start.strftime("%d.%m.%Y"), 15, bold=True)
    page.text(x0 + 8, y0 + 47, f"versandt am {_de_date(sent)}", 8.5)
    page.line(LEFT, TOP + 52, RIGHT, TOP + 52, ACCENT, 1.6)
    flow.y = TOP + 72
    flow.lines(
        ["An die Mitglieder und stellvertretenden Mitglieder", organization, "sowie die Fraktionen"],
        size=10,
        leading=13.5,
    )
    flow.space(18)
    flow.textbox(f"Einladung zur {meeting_name}", size=16, bold=True)
    flow.space(6)
    flow.paragraph("Sehr geehrte Damen und Herren,", after=4)
    flow.paragraph(
        f"hiermit lade ich Sie herzlich zur {meeting_name} ein. Die Sitzung findet statt am:", after=8
    )
    when = f"{WEEKDAYS[start.weekday()]}, {_long_date(start.date())}, {start:%H:%M} Uhr"
    for label, value in (("Termin:", when), ("Ort:", location)):
        lines = _wrap(value, RIGHT - LEFT - 70, 10.5, True)
        flow.ensure(len(lines) * 14)
        flow.cur.text(LEFT, flow.y + 10.5, label, 10.5)
        flow.lines(lines, size=10.5, leading=14, indent=70, bold=True)
    flow.space(8)
    for note in rng.sample(INVITATION_NOTES, 2):
        flow.paragraph(note, size=9.5, leading=12.8, after=4)

    public = [(number, title) for number, title, is_public in agenda if is_public]
    closed = [(number, title) for number, title, is_public in agenda if not is_public]
    flow.heading("Tagesordnung", size=13, keep=60)
    label_w = max([44.0, *(_width(f"TOP {number}", 10, True) + 8 for number, _, _ in agenda)])
    for heading, items in (("Öffentlicher Teil", public), ("Nichtöffentlicher Teil", closed)):
        if not items:
            continue
        flow.heading(heading, size=11, keep=40)
        for number, title in items:
            lines = _wrap(title, RIGHT - LEFT - label_w, 10)
            flow.ensure(len(lines) * 13.6 + 4)
            flow.cur.text(LEFT, flow.y + 10, f"TOP {number}", 10, bold=True)
            flow.lines(lines, size=10, leading=13.6, indent=label_w)
            flow.space(5)
    flow.space(10)
    flow.paragraph("Mit freundlichen Grüßen", after=14)
    page = flow.ensure(30)
    page.text(LEFT, flow.y + 10, f"gez. {chair}", 10)
    page.text(LEFT, flow.y + 24, "Vorsitz", 9, color=GREY)
    flow.y += 30
    return book.render(
        footer=f"Einladung · {meeting_name}",
        title=f"Einladung zur {meeting_name}",
        author=organization,
        subject=f"Einladung {meeting_name}",
    )


# --------------------------------------------------------------------------------------------------------
# Haushaltsplan

PRODUCT_GROUPS: list[tuple[str, str, list[str]]] = [
    (
        "11",
        "Innere Verwaltung",
        [
            "Verwaltungssteuerung und Service",
            "Personalmanagement",
            "Finanzmanagement",
            "Informationstechnik",
            "Gebäudemanagement",
        ],
    ),
    ("12", "Sicherheit und Ordnung", ["Ordnungsangelegenheiten", "Einwohnerwesen", "Gewerbeangelegenheiten"]),
    ("21", "Schulträgeraufgaben", ["Grundschulen", "Stadtteilschulen", "Gymnasien", "Schülerbeförderung"]),
    ("25", "Kultur und Wissenschaft", ["Stadtteilkultur", "Bücherhallen", "Museen und Archive"]),
    ("31", "Soziale Hilfen", ["Grundsicherung im Alter", "Hilfe zur Pflege", "Eingliederungshilfe"]),
    ("35", "Sonstige soziale Leistungen", ["Wohngeld", "Seniorenarbeit", "Integration"]),
    (
        "36",
        "Kinder-, Jugend- und Familienhilfe",
        [
            "Kindertagesbetreuung",
            "Offene Kinder- und Jugendarbeit",
            "Hilfen zur Erziehung",
            "Familienförderung",
        ],
    ),
    ("41", "Gesundheitsdienste", ["Gesundheitsamt", "Schulärztlicher Dienst"]),
    ("42", "Sportförderung", ["Sportstätten", "Förderung des Sports"]),
    ("51", "Räumliche Planung und Entwicklung", ["Stadtplanung", "Bebauungspläne", "Stadterneuerung"]),
    ("52", "Bauen und Wohnen", ["Bauaufsicht", "Wohnungsbauförderung"]),
    (
        "54",
        "Verkehrsflächen und -anlagen",
        ["Gemeindestraßen", "Brücken und Ingenieurbauwerke", "Straßenbeleuchtung", "Radverkehrsanlagen"],
    ),
    ("55", "Natur- und Landschaftspflege", ["Öffentliches Grün", "Friedhöfe", "Naturschutz"]),
    ("56", "Umweltschutz", ["Klimaschutz", "Lärmschutz und Luftreinhaltung"]),
    ("57", "Wirtschaft und Tourismus", ["Wirtschaftsförderung", "Wochenmärkte"]),
    ("61", "Allgemeine Finanzwirtschaft", ["Steuern und allgemeine Zuweisungen", "Zinsen und Kreditwesen"]),
]

# Teilergebnisplan positions: (number, label, kind) with kind "+" income, "-" expense, "=" subtotal
RESULT_ROWS: list[tuple[str, str, str]] = [
    ("1", "Steuern und ähnliche Abgaben", "+"),
    ("2", "Zuwendungen und allgemeine Umlagen", "+"),
    ("3", "Sonstige Transfererträge", "+"),
    ("4", "Öffentlich-rechtliche Leistungsentgelte", "+"),
    ("5", "Privatrechtliche Leistungsentgelte", "+"),
    ("6", "Kostenerstattungen und Kostenumlagen", "+"),
    ("7", "Sonstige ordentliche Erträge", "+"),
    ("8", "Aktivierte Eigenleistungen", "+"),
    ("10", "= Ordentliche Erträge", "=E"),
    ("11", "Personalaufwendungen", "-"),
    ("12", "Versorgungsaufwendungen", "-"),
    ("13", "Aufwendungen für Sach- und Dienstleistungen", "-"),
    ("14", "Bilanzielle Abschreibungen", "-"),
    ("15", "Transferaufwendungen", "-"),
    ("16", "Sonstige ordentliche Aufwendungen", "-"),
    ("17", "= Ordentliche Aufwendungen", "=A"),
    ("18", "= Ergebnis der laufenden Verwaltungstätigkeit", "=L"),
    ("19", "Finanzerträge", "+f"),
    ("20", "Zinsen und sonstige Finanzaufwendungen", "-f"),
    ("21", "= Finanzergebnis", "=F"),
    ("22", "= Ordentliches Ergebnis", "=O"),
    ("23", "Außerordentliche Erträge", "+x"),
    ("24", "Außerordentliche Aufwendungen", "-x"),
    ("25", "= Außerordentliches Ergebnis", "=X"),
    ("26", "= Ergebnis vor internen Leistungsbeziehungen", "=V"),
    ("27", "Erträge aus internen Leistungsbeziehungen", "+i"),
    ("28", "Aufwendungen aus internen Leistungsbeziehungen", "-i"),
    ("29", "= Ergebnis (Zeilen 26, 27 und 28)", "=R"),
]

# typical weight of a position (personnel and transfer expenses dominate)
RESULT_SCALE = {"11": 6.0, "12": 1.5, "13": 3.0, "14": 1.5, "15": 4.0, "16": 1.5, "28": 2.5}

INVEST_MEASURES = [
    "Sanierung Grundschule Lindenallee",
    "Neubau Sporthalle Feldstraße",
    "Erneuerung Spielplatz Hafenkante",
    "Veloroute 4, Abschnitt Kirchweg",
    "Umbau Bushaltestelle Rathausplatz",
    "LED-Straßenbeleuchtung, Los 3",
    "Brücke über den Mühlenbach",
    "Neugestaltung Marktplatz",
    "Kita-Neubau Güterbahnhof",
    "Dachsanierung Bücherhalle Elbhausen",
    "Fahrzeugbeschaffung Bezirksamt",
    "Erweiterung Friedhof Süderfeld",
    "Entsiegelung Schulhof Kirchweg",
    "Photovoltaik Rathausdach",
    "Digitalisierung der Bauakten",
    "Grundinstandsetzung Große Elbstraße",
    "Ersatzpflanzungen Elbpark",
    "Jugendzentrum Nordstern, Umbau",
]

KPIS = [
    ("Anzahl der Anträge", "Anzahl"),
    ("Bearbeitungsdauer im Durchschnitt", "Tage"),
    ("Kostendeckungsgrad", "%"),
    ("Betreute Kinder und Jugendliche", "Anzahl"),
    ("Zufriedenheit der Kundinnen und Kunden", "%"),
    ("Aufwand je Einwohnerin und Einwohner", "€"),
    ("Unterhaltene Fläche", "m²"),
    ("Beschäftigte (Vollzeitäquivalente)", "VZÄ"),
    ("Anteil barrierefreier Zugänge", "%"),
    ("Erledigte Prüfaufträge", "Anzahl"),
    ("Durchschnittliche Wartezeit im Kundenzentrum", "Minuten"),
    ("Gepflanzte Straßenbäume", "Anzahl"),
]

BUDGET_TEXT = [
    "Der Ansatz {jahr} berücksichtigt die Tarifsteigerungen im öffentlichen Dienst von {prozent} Prozent "
    "sowie die zusätzlich bewilligten Stellen.",
    "Die Aufwendungen für Sach- und Dienstleistungen steigen gegenüber dem Vorjahr um {betrag}, im "
    "Wesentlichen wegen höherer Energie- und Bewirtschaftungskosten.",
    "Die Transferaufwendungen sind fallzahlabhängig; zugrunde gelegt wurde die Entwicklung der letzten drei "
    "Jahre.",
    "Die Erträge aus Gebühren wurden auf Basis der geltenden Gebührenordnung und der erwarteten Fallzahlen "
    "geschätzt.",
    "Für Bauunterhaltung und Instandsetzung stehen im Haushaltsjahr {jahr} insgesamt {betrag} zur Verfügung.",
    "Die bilanziellen Abschreibungen ergeben sich aus dem Anlagevermögen und den geplanten Investitionen.",
    "Der Rückgang der Zuwendungen ist auf das Auslaufen des Förderprogramms im Vorjahr zurückzuführen.",
    "Die interne Leistungsverrechnung umfasst insbesondere die Kosten für Gebäude, IT und zentrale Dienste.",
    "Mit den Mitteln sollen die Ziele des Klimaschutzkonzepts und des Hitzeaktionsplans umgesetzt werden.",
    "Die Planung für {jahr2} und {jahr3} ist fortgeschrieben; Risiken bestehen vor allem bei der Entwicklung "
    "der Baupreise.",
    "Gegenüber dem Ergebnis {jahr0} ergibt sich eine Abweichung von {prozent} Prozent, die auf verzögerte "
    "Ausschreibungen zurückgeht.",
    "Die Stellen für die Fachkräfte im Bereich Kinder- und Jugendhilfe sind vollständig finanziert.",
    "Für die Umsetzung des Onlinezugangsgesetzes werden zusätzliche Mittel in Höhe von {betrag} "
    "veranschlagt.",
    "Die Ermächtigungen für Verpflichtungen zulasten künftiger Haushaltsjahre betragen {betrag}.",
    "Überplanmäßige Aufwendungen im laufenden Jahr wurden durch Minderaufwendungen in anderen Produkten "
    "gedeckt.",
    "Die Kennzahlen werden jährlich im Rahmen des Berichtswesens überprüft und bei Bedarf angepasst.",
    "Die Kostensteigerung bei der Unterhaltung öffentlicher Grünflächen folgt aus neuen Pflegeverträgen.",
    "Für die Bewirtschaftung der Sportstätten wird mit Einnahmen aus Nutzungsentgelten von {betrag} "
    "gerechnet.",
    "Die Personalaufwendungen enthalten die Besoldungs- und Tarifanpassungen sowie die Zuführungen zu den "
    "Pensionsrückstellungen.",
    "Der Ansatz wurde gegenüber der Anmeldung der Fachämter um {prozent} Prozent gekürzt, um den "
    "Haushaltsausgleich zu erreichen.",
    "Die globale Minderausgabe ist im Haushaltsvollzug durch Einsparungen in allen Produktgruppen zu "
    "erwirtschaften.",
    "Die Mieten und Nebenkosten für die angemieteten Dienstgebäude steigen vertragsgemäß um {prozent} "
    "Prozent.",
    "Für die Umstellung auf die elektronische Akte sind einmalige Aufwendungen von {betrag} eingeplant.",
    "Die Zuweisungen der Fachbehörde decken die Aufwendungen nur teilweise; der Eigenanteil des Bezirks "
    "beträgt {betrag}.",
    "Die Abweichung zwischen Ansatz {jahr2} und Ergebnis {jahr0} erklärt sich aus nachträglich "
    "bereitgestellten Sondermitteln.",
    "Mit dem Haushaltsbeschluss werden die Ansätze für gegenseitig deckungsfähig erklärt, soweit sie "
    "derselben Produktgruppe angehören.",
    "Die Erträge aus der Auflösung von Sonderposten entsprechen den Abschreibungen auf geförderte "
    "Vermögensgegenstände.",
    "Nicht verbrauchte Mittel für Investitionen werden in das folgende Haushaltsjahr übertragen.",
    "Für Fortbildung und Qualifizierung der Beschäftigten stehen je Vollzeitstelle rund 600 € zur Verfügung.",
    "Die Planung berücksichtigt die Ergebnisse der Aufgabenkritik aus dem Jahr {jahr0}.",
    "Die Energiekosten wurden auf Grundlage der neuen Rahmenverträge mit einem Anstieg von {prozent} Prozent "
    "kalkuliert.",
    "Die Fallzahlen in der Eingliederungshilfe und der Hilfe zur Pflege steigen weiterhin deutlich an.",
]

VORBERICHT = [
    "1. Allgemeines",
    "2. Eckdaten des Haushalts",
    "3. Entwicklung der Erträge",
    "4. Entwicklung der Aufwendungen",
    "5. Investitionen",
    "6. Personal",
    "7. Risiken und Chancen",
    "8. Mittelfristige Finanzplanung",
]


@dataclass
class _BudgetPage:
    kind: str  # cover, toc, preface, overview, group, result, text, kpi, invest, chart
    group: int = -1
    product: int = -1
    index: int = 0


def _distribute(total: int, weights: list[int]) -> list[int]:
    """Split `total` into integer parts proportional to `weights` (largest remainder)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


TOC_LINES = 38


def _budget_plan(pages: int) -> tuple[list[_BudgetPage], list[tuple[str, str, list[str]]], list[list[int]]]:
    """Decide what goes on each of the `pages` pages. Returns the page plan, the product groups used, and for
    each of these groups the number of pages of each of its products."""
    if pages <= 2:
        return [_BudgetPage("cover")] + [_BudgetPage("toc")] * (pages - 1), [], []

    def toc_pages(preface: int, overview: int, usable: list[tuple[str, str, list[str]]]) -> int:
        entries = 1 + min(preface, 1) + overview + sum(1 + len(p) for _, _, p in usable)
        return max(1, -(-entries // TOC_LINES))

    def minimum(preface: int, overview: int, usable: list[tuple[str, str, list[str]]]) -> int:
        return (
            1
            + toc_pages(preface, overview, usable)
            + preface
            + overview
            + sum(1 + len(p) for _, _, p in usable)
        )

    preface = min(6, max(0, (pages - 20) // 60))
    overview = 1 if pages >= 12 else 0
    count = len(PRODUCT_GROUPS)
    limit = pages if pages < 30 else int(pages * 0.7)  # leave room for explanatory pages
    while count and minimum(preface, overview, PRODUCT_GROUPS[:count]) > limit:
        count -= 1
    usable = list(PRODUCT_GROUPS[:count])
    if not usable:  # tiny plan: one product group with as many products as fit
        preface, overview = 0, 0
        number, name, products = PRODUCT_GROUPS[0]
        fit = max(0, pages - 1 - 1 - 1)  # cover, toc, group page
        usable = [(number, name, products[:fit])] if fit else []
    plan = [_BudgetPage("cover")] + [
        _BudgetPage("toc", index=i) for i in range(toc_pages(preface, overview, usable))
    ]
    plan += [_BudgetPage("preface", index=i) for i in range(preface)]
    plan += [_BudgetPage("overview")] * overview
    rest = pages - len(plan)
    shares = _distribute(rest, [3 + 2 * len(products) for _, _, products in usable]) if usable else []
    layout: list[list[int]] = []
    cycle = ["result", "text", "kpi", "result", "invest", "text", "chart", "result", "text"]
    for g, ((_, _, products), share) in enumerate(zip(usable, shares, strict=True)):
        plan.append(_BudgetPage("group", g))
        per_product = _distribute(share - 1, [1] * len(products)) if products else []
        layout.append(per_product)
        for p, count in enumerate(per_product):
            plan += [_BudgetPage(cycle[i % len(cycle)], g, p, i) for i in range(count)]
    plan += [_BudgetPage("preface", index=preface + i) for i in range(pages - len(plan))]
    return plan, usable, layout


GROUP_TOPICS = {
    "11": "finanzen",
    "12": "finanzen",
    "21": "schule",
    "25": "finanzen",
    "31": "kita",
    "35": "kita",
    "36": "kita",
    "41": "kita",
    "42": "schule",
    "51": "planung",
    "52": "planung",
    "54": "verkehr",
    "55": "klima",
    "56": "klima",
    "57": "finanzen",
    "61": "finanzen",
}

BUDGET_PRODUCT_TEXT = [
    "Das Produkt {produkt} umfasst alle Leistungen des Bezirks im Bereich {name}.",
    "Schwerpunkt im Bereich {name} ist im Haushaltsjahr {jahr} die Umsetzung der Beschlüsse der "
    "Bezirksversammlung.",
    "Im Bereich {name} sind zum Stichtag {anzahl} Vorgänge in Bearbeitung; die Fallzahlen steigen leicht.",
    "Für den Bereich {name} wird mit Mehraufwendungen von {betrag} gerechnet, die vollständig gedeckt sind.",
]
SERVICES = [
    "Steuerung und Planung",
    "Betrieb und Unterhaltung",
    "Beratung und Information",
    "Förderung freier Träger",
    "Investitionen und Bau",
    "Verwaltung und Service",
    "Qualitätssicherung",
    "Öffentlichkeitsarbeit",
]


class _BudgetWriter:
    """Renders the planned pages of a Haushaltsplan."""

    def __init__(self, body_name: str, year: int, seed: int, pages: int) -> None:
        self.body_name = body_name
        self.year = year
        self.seed = seed
        self.rng = random.Random(f"budget:{seed}:{year}")
        self.plan, self.groups, self.layout = _budget_plan(pages)
        self.book = _Book()
        years = [str(year - 3), str(year - 2), str(year - 1), str(year), str(year + 1)]
        for i in range(4):
            values = [self.rng.randrange(30, 100) * 100_000.0 for _ in years]
            self.book.pictures[f"chart{i}"] = _chart_png(
                random.Random(f"chart:{seed}:{i}"), "Ordentliche Aufwendungen je Haushaltsjahr", years, values
            )
        self.entries = self._entries()
        self.words = _Text(self.rng, "", date(year - 1, 6, 1))
        self.used: set[str] = set()
        self.current = -1  # product group of the page being rendered

    # structure ---------------------------------------------------------------------------------------

    def group_label(self, g: int) -> str:
        number, name, _ = self.groups[g]
        return f"{number} {name}"

    def product_label(self, g: int, p: int) -> str:
        number, _, products = self.groups[g]
        return f"{number}.{p + 1:02d} {products[p]}"

    def _entries(self) -> list[tuple[int, str, int]]:
        """(level, title, page number) for the table of contents and the outline."""
        out: list[tuple[int, str, int]] = []
        for number, bp in enumerate(self.plan, start=1):
            if bp.kind == "toc" and bp.index == 0:
                out.append((1, "Inhaltsverzeichnis", number))
            elif bp.kind == "preface" and bp.index == 0:
                out.append((1, "Vorbericht", number))
            elif bp.kind == "overview":
                out.append((1, "Gesamtergebnisplan", number))
            elif bp.kind == "group":
                out.append((1, f"Produktgruppe {self.group_label(bp.group)}", number))
            elif bp.product >= 0 and bp.index == 0:
                out.append((2, f"Produkt {self.product_label(bp.group, bp.product)}", number))
        return out

    # text --------------------------------------------------------------------------------------------

    def sentence(self, product: str = "", name: str = "") -> str:
        """One sentence; templates already used on the current page are avoided."""
        rng = self.rng
        topic = (
            GROUP_TOPICS.get(self.groups[self.current][0], "finanzen") if self.current >= 0 else "finanzen"
        )
        for _ in range(12):
            roll = rng.random()
            if product and roll < 0.15:
                template = rng.choice(BUDGET_PRODUCT_TEXT)
            elif product and roll < 0.4:
                template = rng.choice(TOPICS[topic])
            else:
                template = rng.choice(BUDGET_TEXT)
            if template not in self.used:
                break
        self.used.add(template)
        values = self.words._values() if template in TOPICS[topic] else {}
        values.update(
            jahr=str(self.year),
            jahr0=str(self.year - 2),
            jahr2=str(self.year + 1),
            jahr3=str(self.year + 2),
            prozent=f"{rng.randrange(12, 95) / 10:.1f}".replace(".", ","),
            betrag=_eur(rng.randrange(20, 4000) * 1000, cents=False),
            anzahl=str(rng.randrange(40, 2400)),
            produkt=product,
            name=name,
        )
        return template.format(**values)

    def paragraph(self, sentences: int, product: str = "", name: str = "") -> str:
        return " ".join(self.sentence(product, name) for _ in range(sentences))

    def fill(
        self,
        page: _Page,
        y: float,
        *,
        product: str = "",
        name: str = "",
        labels: list[str] | None = None,
        size: float = 9.5,
        leading: float = 12.8,
    ) -> float:
        """Fill the rest of the page with paragraphs (optionally each with a bold label line)."""
        labels = list(labels or [])
        while True:
            label = labels.pop(0) if labels else ""
            extra = leading + 2 if label else 0.0
            placed = False
            for sentences in (self.rng.randrange(3, 6), 2, 1):
                lines = _wrap(self.paragraph(sentences, product, name), RIGHT - LEFT, size)
                if y + extra + len(lines) * leading <= BOTTOM:
                    if label:
                        page.text(LEFT, y + size, label, size, bold=True)
                        y += extra
                    for line in lines:
                        page.text(LEFT, y + size, line, size)
                        y += leading
                    y += 6
                    placed = True
                    break
            if not placed:
                return y

    # page furniture ----------------------------------------------------------------------------------

    def head(self, page: _Page, right: str = "") -> float:
        room = RIGHT - LEFT - (_width(right, 8) + 16 if right else 0)
        page.text(
            LEFT,
            TOP,
            _fit(f"{self.body_name} · Haushaltsplan-Entwurf {self.year}", room, 8, False),
            8,
            color=GREY,
        )
        if right:
            page.text(RIGHT, TOP, right, 8, color=GREY, align="right")
        page.line(LEFT, TOP + 5, RIGHT, TOP + 5, GREY, 0.4)
        return TOP + 26

    def title(self, page: _Page, y: float, text: str, sub: str = "") -> float:
        for line in _wrap(text, RIGHT - LEFT, 13, True):
            page.text(LEFT, y + 13, line, 13, bold=True, color=ACCENT)
            y += 17
        if sub:
            page.text(LEFT, y + 9.5, sub, 9.5, color=GREY)
            y += 14
        return y + 8

    # pages -------------------------------------------------------------------------------------------

    def cover(self, page: _Page) -> None:
        page.rect(0, 0, PAGE_W, 250, fill=ACCENT)
        page.rect(0, 250, PAGE_W, 258, fill=(0.9, 0.55, 0.16))
        size = 20.0
        while size > 13 and _width(self.body_name, size, True) > RIGHT - LEFT:
            size -= 0.5
        lines = _wrap(self.body_name, RIGHT - LEFT, size, True)
        if len(lines) > 2:
            lines = [lines[0], _fit(" ".join(lines[1:]), RIGHT - LEFT, size, True)]
        for i, line in enumerate(lines):
            page.text(LEFT, 120 - (len(lines) - 1 - i) * size * 1.35, line, size, bold=True, color=(1, 1, 1))
        page.text(LEFT, 150, "Bezirksamt · Fachamt Finanzen und Controlling", 11, color=(0.85, 0.9, 0.97))
        page.text(LEFT, 340, "Haushaltsplan-Entwurf", 30, bold=True)
        page.text(LEFT, 385, f"{self.year}", 30, bold=True, color=ACCENT)
        page.text(LEFT, 430, "Band 1: Gesamtergebnisplan und Teilpläne der Produktgruppen", 12)
        page.text(
            LEFT,
            450,
            f"mit mittelfristiger Ergebnis- und Finanzplanung {self.year + 1} bis {self.year + 3}",
            12,
        )
        stand = date(self.year - 1, 9, 1) + timedelta(days=self.rng.randrange(0, 40))
        page.text(LEFT, 720, f"Stand: {_long_date(stand)}", 10, color=GREY)
        page.text(LEFT, 736, f"{len(self.plan)} Seiten · Beträge in Euro", 10, color=GREY)

    def toc(self, page: _Page, index: int) -> None:
        y = self.head(page, "Inhaltsverzeichnis")
        if index == 0:
            y = self.title(page, y, "Inhaltsverzeichnis")
        chunk = self.entries[index * TOC_LINES : (index + 1) * TOC_LINES]
        step = min(16.5, (BOTTOM - y) / max(1, len(chunk)))
        for level, text, number in chunk:
            bold = level == 1
            x = LEFT + (0 if level == 1 else 18)
            size = 9.5 if level == 1 else 9
            label = _wrap(text, RIGHT - x - 60, size, bold)[0]
            page.text(x, y + size, label, size, bold=bold)
            page.text(RIGHT, y + size, str(number), size, bold=bold, align="right")
            x0 = x + _width(label, size, bold) + 4
            x1 = RIGHT - _width(str(number), size, bold) - 4
            if x1 > x0:
                page.ops.append(
                    f"[0.6 2.4] 0 d 0.8 w 0.5 0.5 0.5 RG {x0:.2f} {PAGE_H - y - size:.2f} m "
                    f"{x1:.2f} {PAGE_H - y - size:.2f} l S [] 0 d"
                )
            y += step

    def preface(self, page: _Page, index: int) -> None:
        y = self.head(page, "Vorbericht")
        if index == 0:
            y = self.title(page, y, "Vorbericht zum Haushaltsplan-Entwurf", f"Haushaltsjahr {self.year}")
        heading = VORBERICHT[index % len(VORBERICHT)]
        page.text(LEFT, y + 11, heading, 11, bold=True, color=ACCENT)
        self.fill(page, y + 22)

    def group_totals(self, g: int) -> list[float]:
        rng = random.Random(f"group:{self.seed}:{self.year}:{g}")
        income = rng.randrange(2, 80) * 250_000.0
        expense = income + rng.randrange(5, 160) * 250_000.0
        return [
            income,
            -expense,
            income - expense,
            rng.randrange(0, 60) * 50_000.0,
            -rng.randrange(10, 140) * 50_000.0,
            float(rng.randrange(12, 260)),
        ]

    def overview(self, page: _Page) -> None:
        y = self.head(page, "Gesamtergebnisplan")
        y = self.title(
            page, y, f"Gesamtergebnisplan {self.year}", "Ergebnis je Produktgruppe, Beträge in Euro"
        )
        rows: list[list[str]] = []
        sums = [0.0, 0.0, 0.0]
        for g in range(len(self.groups)):
            t = self.group_totals(g)
            sums = [a + b for a, b in zip(sums, t[:3], strict=True)]
            rows.append([self.group_label(g), _num(t[0]), _num(t[1]), _num(t[2])])
        rows.append(["Summe", *(_num(v) for v in sums)])
        header = [
            "Produktgruppe",
            f"Erträge {self.year}",
            f"Aufwendungen {self.year}",
            f"Ergebnis {self.year}",
        ]
        bottom = _table(
            page,
            y,
            header,
            rows,
            [215, 80, 80, 80],
            aligns="lrrr",
            size=8,
            row_h=16,
            bold_last=True,
            shade=True,
        )
        self.fill(page, bottom + 14)

    def group(self, page: _Page, g: int) -> None:
        number, name, products = self.groups[g]
        page.rect(LEFT, TOP - 8, RIGHT, TOP + 62, fill=ACCENT)
        page.text(LEFT + 14, TOP + 34, number, 30, bold=True, color=(1, 1, 1))
        page.text(LEFT + 74, TOP + 18, "Produktgruppe", 9, color=(0.85, 0.9, 0.97))
        for i, line in enumerate(_wrap(name, RIGHT - LEFT - 90, 15, True)[:2]):
            page.text(LEFT + 74, TOP + 36 + 17 * i, line, 15, bold=True, color=(1, 1, 1))
        y = TOP + 80
        office = OFFICES[int(number) % len(OFFICES)]
        page.text(LEFT, y + 9.5, f"Verantwortlich: {office}", 9.5, color=GREY)
        y += 22
        page.text(LEFT, y + 10, "Produkte", 10, bold=True)
        y += 16
        for p in range(len(products)):
            page.text(LEFT + 10, y + 9.5, f"• {self.product_label(g, p)}", 9.5)
            y += 13.5
        y += 8
        t = self.group_totals(g)
        rows = [
            ["Ordentliche Erträge", _num(t[0] * 0.97), _num(t[0])],
            ["Ordentliche Aufwendungen", _num(t[1] * 1.02), _num(t[1])],
            ["Ordentliches Ergebnis", _num(t[2] * 1.05), _num(t[2])],
            ["Investive Einzahlungen", _num(t[3] * 0.9), _num(t[3])],
            ["Investive Auszahlungen", _num(t[4] * 1.1), _num(t[4])],
            ["Stellen (Vollzeitäquivalente)", f"{t[5] - 2:.0f}", f"{t[5]:.0f}"],
        ]
        header = ["Eckdaten der Produktgruppe", f"Ansatz {self.year - 1}", f"Ansatz {self.year}"]
        y = _table(page, y, header, rows, [255, 100, 100], aligns="lrr", size=8.5, row_h=16) + 14
        key = f"chart{g % 4}"
        page.image(pymupdf.Rect(LEFT + 45, y, RIGHT - 45, y + 183), key)
        page.rect(LEFT + 45, y, RIGHT - 45, y + 183, stroke=(0.7, 0.7, 0.72), width=0.5)
        y += 200
        self.fill(page, y, product=f"{number}", name=name)

    def result_values(self, g: int, p: int, k: int) -> list[list[float]]:
        """Teilergebnisplan figures (five columns) for one service of a product, with consistent sums."""
        rng = random.Random(f"result:{self.seed}:{self.year}:{g}:{p}:{k}")
        growth = [
            rng.uniform(0.86, 0.97),
            rng.uniform(0.94, 1.0),
            1.0,
            rng.uniform(1.0, 1.05),
            rng.uniform(1.02, 1.09),
        ]
        values: dict[str, list[float]] = {}
        plain: list[list[float]] = []
        for number, _, kind in RESULT_ROWS:
            if kind.startswith("="):
                continue
            scale = RESULT_SCALE.get(number, 1.0)
            empty = scale < 2 and rng.random() < 0.25
            base = 0.0 if empty else scale * rng.randrange(1, 400) * rng.choice([100.0, 1000.0, 2500.0])
            sign = -1.0 if kind.startswith("-") else 1.0
            row = [round(sign * base * f * rng.uniform(0.97, 1.03), -2) for f in growth]
            plain.append(row)
            values.setdefault(kind, [0.0] * 5)
            values[kind] = [a + b for a, b in zip(values[kind], row, strict=True)]
        zero = [0.0] * 5

        def add(*rows: list[float]) -> list[float]:
            return [sum(c) for c in zip(*rows, strict=True)]

        totals = {"=E": values.get("+", zero), "=A": values.get("-", zero)}
        totals["=L"] = add(totals["=E"], totals["=A"])
        totals["=F"] = add(values.get("+f", zero), values.get("-f", zero))
        totals["=O"] = add(totals["=L"], totals["=F"])
        totals["=X"] = add(values.get("+x", zero), values.get("-x", zero))
        totals["=V"] = add(totals["=O"], totals["=X"])
        totals["=R"] = add(totals["=V"], values.get("+i", zero), values.get("-i", zero))
        out: list[list[float]] = []
        it = iter(plain)
        for _, _, kind in RESULT_ROWS:
            out.append(totals[kind] if kind.startswith("=") else next(it))
        return out

    def result(self, page: _Page, g: int, p: int, index: int) -> None:
        y = self.head(page, f"Produktgruppe {self.group_label(g)}")
        k = index // 3
        service = SERVICES[(p + k) % len(SERVICES)]
        y = self.title(
            page,
            y,
            f"Teilergebnisplan Produkt {self.product_label(g, p)}",
            f"Leistung {k + 1}: {service} · Beträge in Euro",
        )
        values = self.result_values(g, p, k)
        rows = [
            [number, label, *(_num(v) for v in vals)]
            for (number, label, _), vals in zip(RESULT_ROWS, values, strict=True)
        ]
        y0 = self.year
        header = [
            "Nr.",
            "Ertrags- und Aufwandsarten",
            f"Ergebnis {y0 - 2}",
            f"Ansatz {y0 - 1}",
            f"Ansatz {y0}",
            f"Plan {y0 + 1}",
            f"Plan {y0 + 2}",
        ]
        bottom = _table(
            page,
            y,
            header,
            rows,
            [20, 185, 50, 50, 50, 50, 50],
            aligns="llrrrrr",
            size=7,
            row_h=14.2,
            shade=True,
            bold_rows=frozenset(i for i, row in enumerate(RESULT_ROWS) if row[2].startswith("=")),
        )
        number = self.groups[g][0]
        self.fill(page, bottom + 12, product=f"{number}.{p + 1:02d}", name=self.groups[g][2][p], size=9)

    def text(self, page: _Page, g: int, p: int, index: int) -> None:
        y = self.head(page, f"Produktgruppe {self.group_label(g)}")
        y = self.title(page, y, f"Erläuterungen zu Produkt {self.product_label(g, p)}")
        picks = self.rng.sample([r for r in RESULT_ROWS if not r[2].startswith("=")], 8)
        labels = [
            f"Zu Zeile {number}: {label}" for number, label, _ in sorted(picks, key=lambda r: int(r[0]))
        ]
        number = self.groups[g][0]
        self.fill(page, y, product=f"{number}.{p + 1:02d}", name=self.groups[g][2][p], labels=labels)

    def kpi(self, page: _Page, g: int, p: int, index: int) -> None:
        y = self.head(page, f"Produktgruppe {self.group_label(g)}")
        y = self.title(page, y, f"Ziele und Kennzahlen Produkt {self.product_label(g, p)}")
        rng = random.Random(f"kpi:{self.seed}:{self.year}:{g}:{p}:{index}")
        rows = []
        for label, unit in rng.sample(KPIS, 8):
            base = rng.uniform(5, 95) if unit == "%" else rng.randrange(10, 20000)
            vals = [base * rng.uniform(0.9, 1.1) for _ in range(4)]
            text = [f"{v:.1f}".replace(".", ",") if unit == "%" else _num(v) for v in vals]
            rows.append([label, unit, *text])
        y0 = self.year
        header = [
            "Kennzahl",
            "Einheit",
            f"Ist {y0 - 2}",
            f"Ansatz {y0 - 1}",
            f"Ansatz {y0}",
            f"Plan {y0 + 1}",
        ]
        bottom = _table(
            page, y, header, rows, [190, 53, 53, 53, 53, 53], aligns="llrrrr", size=8, row_h=16, shade=True
        )
        labels = ["Ziele", "Zielerreichung", "Maßnahmen", "Ausblick"]
        self.fill(
            page,
            bottom + 14,
            labels=labels,
            product=f"{self.groups[g][0]}.{p + 1:02d}",
            name=self.groups[g][2][p],
        )

    def invest(self, page: _Page, g: int, p: int, index: int) -> None:
        y = self.head(page, f"Produktgruppe {self.group_label(g)}")
        y = self.title(
            page,
            y,
            f"Teilfinanzplan Investitionen Produkt {self.product_label(g, p)}",
            "Investitionsmaßnahmen · Beträge in Euro",
        )
        rng = random.Random(f"invest:{self.seed}:{self.year}:{g}:{p}:{index}")
        rows = []
        sums = [0.0] * 5
        for measure in rng.sample(INVEST_MEASURES, rng.randrange(4, 9)):
            total = rng.randrange(2, 300) * 25_000.0
            before = round(total * rng.uniform(0, 0.5), -3)
            now = round((total - before) * rng.uniform(0.2, 0.6), -3)
            nxt = round((total - before - now) * rng.uniform(0.3, 0.8), -3)
            last = total - before - now - nxt
            vals = [total, before, now, nxt, last]
            sums = [a + b for a, b in zip(sums, vals, strict=True)]
            rows.append([measure, *(_num(v) for v in vals)])
        rows.append(["Summe Investitionen", *(_num(v) for v in sums)])
        y0 = self.year
        header = [
            "Maßnahme",
            "Gesamtkosten",
            f"bis {y0 - 1}",
            f"Ansatz {y0}",
            f"Plan {y0 + 1}",
            f"Plan {y0 + 2}",
        ]
        bottom = _table(
            page,
            y,
            header,
            rows,
            [175, 60, 55, 55, 55, 55],
            aligns="lrrrrr",
            size=7.5,
            row_h=16,
            bold_last=True,
        )
        self.fill(page, bottom + 14, labels=["Verpflichtungsermächtigungen", "Erläuterungen"])

    def chart(self, page: _Page, g: int, p: int, index: int) -> None:
        y = self.head(page, f"Produktgruppe {self.group_label(g)}")
        y = self.title(page, y, f"Entwicklung der Aufwendungen Produkt {self.product_label(g, p)}")
        page.image(pymupdf.Rect(LEFT + 20, y, RIGHT - 20, y + 207), f"chart{(g + p + index) % 4}")
        page.rect(LEFT + 20, y, RIGHT - 20, y + 207, stroke=(0.7, 0.7, 0.72), width=0.5)
        page.text(
            (LEFT + RIGHT) / 2,
            y + 220,
            "Abbildung: Ordentliche Aufwendungen der letzten Jahre und Planung",
            8.5,
            color=GREY,
            align="center",
        )
        self.fill(page, y + 236, product=f"{self.groups[g][0]}.{p + 1:02d}", name=self.groups[g][2][p])

    def build(self) -> bytes:
        for bp in self.plan:
            page = self.book.new_page()
            self.used.clear()
            self.current = bp.group
            if bp.kind == "cover":
                self.cover(page)
            elif bp.kind == "toc":
                self.toc(page, bp.index)
            elif bp.kind == "preface":
                self.preface(page, bp.index)
            elif bp.kind == "overview":
                self.overview(page)
            elif bp.kind == "group":
                self.group(page, bp.group)
            else:
                render = {
                    "result": self.result,
                    "text": self.text,
                    "kpi": self.kpi,
                    "invest": self.invest,
                    "chart": self.chart,
                }[bp.kind]
                render(page, bp.group, bp.product, bp.index)
        toc: list[list[int | str]] = [[level, title, number] for level, title, number in self.entries]
        return self.book.render(
            footer=f"Haushaltsplan-Entwurf {self.year} · {self.body_name}",
            title=f"Haushaltsplan-Entwurf {self.year}",
            author=self.body_name,
            subject=f"Haushaltsplan {self.year}",
            toc=toc,
        )


def budget_plan_pdf(*, body_name: str, year: int, pages: int = 820, seed: int = 1) -> bytes:
    """A Haushaltsplan of exactly `pages` pages: cover, table of contents, Vorbericht, Gesamtergebnisplan,
    then for each product group an overview and per product tables (Teilergebnisplan, Kennzahlen,
    Investitionen), explanatory text and charts. The outline lists the product groups and products."""
    if pages < 1:
        raise ValueError("pages must be at least 1")
    return _BudgetWriter(body_name, year, seed, pages).build()


# --------------------------------------------------------------------------------------------------------
# Scan ohne Text

SENDERS = [
    ("Bürgerverein Elbhausen-Nord e. V.", "Mühlenweg 12"),
    ("Elternrat der Grundschule Lindenallee", "Lindenallee 40"),
    ("Kleingartenverein „Am Elbpark“ e. V.", "Parkweg 3"),
    ("ADFC Kreisverband Elbhausen", "Hafenstraße 77"),
    ("Seniorenbeirat des Bezirks", "Rathausplatz 1"),
    ("Interessengemeinschaft Marktplatz", "Marktplatz 5"),
    ("Naturschutzbund, Gruppe Elbhausen", "Süderstraße 19"),
]


def _scan_page(content: _Page, rng: random.Random, dpi: int) -> bytes:
    """Rasterise a drawn page like a scanner would: slightly rotated, grey, with specks, as JPEG."""
    angle = math.radians(rng.uniform(-0.9, 0.9))
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = PAGE_W / 2, PAGE_H / 2
    tx, ty = cx - cos * cx + sin * cy, cy - sin * cx - cos * cy
    tilted = _Page(
        ops=[f"q {cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} {tx:.3f} {ty:.3f} cm", *content.ops, "Q"]
    )
    png = _raster(tilted, PAGE_W, dpi, grey=True)
    pix = pymupdf.Pixmap(png)
    samples = bytearray(pix.samples)
    width, height = pix.width, pix.height
    for _ in range(400):  # dust
        x, y = rng.randrange(width - 2), rng.randrange(height - 2)
        shade = rng.randrange(60, 190)
        for dx, dy in ((0, 0), (1, 0), (0, 1)):
            samples[(y + dy) * width + x + dx] = shade
    edge = rng.randrange(4, 14)  # shadow of the scanner lid along one edge
    for y in range(height):
        row = y * width
        samples[row : row + edge] = bytes([150]) * edge
    noisy = pymupdf.Pixmap(pymupdf.csGRAY, width, height, bytes(samples), False)
    jpeg: bytes = noisy.tobytes("jpeg", jpg_quality=70)
    return jpeg


def scanned_pdf(*, title: str, seed: int, pages: int = 2) -> bytes:
    """A scanned letter ('Scan ohne Text'): every page is a single grey image, there is no text layer."""
    if pages < 1:
        raise ValueError("pages must be at least 1")
    from sync.server.demo import names

    rng = random.Random(f"scan:{seed}")
    sender, street = rng.choice(SENDERS)
    received = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 420))
    text = _Text(rng, title, received)
    signer = f"{rng.choice(names.GIVEN)} {rng.choice(names.FAMILY)}"
    book = _Book()
    for number in range(1, pages + 1):
        page = _Page()
        y = TOP
        if number == 1:
            page.text(LEFT, y + 14, sender, 14, bold=True)
            page.text(LEFT, y + 30, f"{street} · 21029 Elbhausen", 9)
            page.line(LEFT, y + 38, RIGHT, y + 38, BLACK, 0.8)
            for i, line in enumerate(
                [
                    "Bezirksamt Elbhausen",
                    "Geschäftsstelle der Bezirksversammlung",
                    "Rathausplatz 1",
                    "21029 Elbhausen",
                ]
            ):
                page.text(LEFT, y + 80 + 14 * i, line, 10.5)
            page.text(
                RIGHT, y + 150, f"Elbhausen, {_long_date(received - timedelta(days=3))}", 10.5, align="right"
            )
            page.rect(RIGHT - 150, y + 60, RIGHT - 10, y + 110, stroke=(0.2, 0.2, 0.2), width=1.6)
            page.text(RIGHT - 80, y + 80, "EINGEGANGEN", 11, bold=True, align="center")
            page.text(RIGHT - 80, y + 98, _de_date(received), 11, bold=True, align="center")
            y += 180
            for line in _wrap(f"Betreff: {title}", RIGHT - LEFT, 11, True):
                page.text(LEFT, y + 11, line, 11, bold=True)
                y += 15
            y += 14
            page.text(LEFT, y + 10.5, "Sehr geehrte Damen und Herren,", 10.5)
            y += 26
        else:
            page.text(PAGE_W / 2, y + 10, f"- {number} -", 10, align="center")
            y += 34
        bottom = BOTTOM - (110 if number == pages else 0)
        while True:
            lines = _wrap(text.paragraph(rng.randrange(2, 5)), RIGHT - LEFT, 10.5)
            if y + len(lines) * 15 > bottom:
                lines = _wrap(text.sentence(), RIGHT - LEFT, 10.5)
                if y + len(lines) * 15 > bottom:
                    break
            for line in lines:
                page.text(LEFT, y + 10.5, line, 10.5)
                y += 15
            y += 9
        if number == pages:
            page.text(LEFT, y + 20, "Mit freundlichen Grüßen", 10.5)
            page.text(LEFT, y + 70, signer, 10.5)
            page.text(LEFT, y + 84, f"für den {sender}", 9)
            page.ops.append(
                f"1.2 w 0.1 0.1 0.3 RG {LEFT + 4:.1f} {PAGE_H - y - 58:.1f} m {LEFT + 40:.1f} "
                f"{PAGE_H - y - 40:.1f} {LEFT + 60:.1f} {PAGE_H - y - 66:.1f} {LEFT + 110:.1f} "
                f"{PAGE_H - y - 48:.1f} c S"
            )  # signature
        key = f"scan{number}"
        book.pictures[key] = _scan_page(page, rng, 100)
        book.new_page().image(pymupdf.Rect(0, 0, PAGE_W, PAGE_H), key)
    return book.render(footer=None, title=title, author=sender, subject="Eingescannte Stellungnahme")
