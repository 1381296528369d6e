"""Names and titles for the demo body (a fictional Hamburg-style district, Bezirk Elbhausen)."""

from __future__ import annotations

BODY_NAME = "Bezirksversammlung Elbhausen"
BODY_SHORT = "BV Elbhausen"

COMMITTEES = [
    ("Hauptausschuss", "HA"),
    ("Ausschuss für Planung und Bau", "PlanA"),
    ("Ausschuss für Mobilität", "MobA"),
    ("Jugendhilfeausschuss", "JHA"),
    ("Ausschuss für Umwelt und Klimaschutz", "UKA"),
    ("Ausschuss für Soziales, Integration und Gesundheit", "SIGA"),
    ("Regionalausschuss Elbhausen-Nord", "RANord"),
]

FACTIONS = [
    ("SPD-Fraktion", "SPD"),
    ("Fraktion BÜNDNIS 90/DIE GRÜNEN", "GRÜNE"),
    ("CDU-Fraktion", "CDU"),
    ("Fraktion DIE LINKE", "LINKE"),
    ("FDP-Fraktion", "FDP"),
]

GIVEN = [
    "Anna", "Jürgen", "Mehmet", "Sabine", "Thomas", "Özlem", "Katrin", "Björn", "Ursula", "Lars",
    "Fatma", "Henning", "Birte", "Stefan", "Dörte", "Malte", "Ayşe", "Frauke", "Klaus", "Inga",
    "Nils", "Gülşen", "Rüdiger", "Maren", "Sönke", "Elif", "Hauke", "Wiebke", "Jörg", "Heike",
    "Piotr", "Svenja", "Günther", "Nadine", "Ole", "Merle", "Till", "Jana", "Uwe", "Lea",
    "Kerstin", "Hans-Peter", "Lina", "Tobias", "Renate", "Mustafa",
]

FAMILY = [
    "Schröder", "Petersen", "Yılmaz", "Hansen", "Müller", "Öztürk", "Jessen", "Brüggemann", "Krüger",
    "Lohmann", "Demir", "Voß", "Carstensen", "Meißner", "Böttcher", "Thießen", "Kaya", "Dreyer",
    "Möller", "Lüders", "Hinrichsen", "Şahin", "Köhler", "Paulsen", "Claußen", "Arslan", "Wendt",
    "Jürgensen", "Grünewald", "Behrens", "Kowalski", "Matthiesen", "Weiß", "Schütt", "Nissen",
    "Struck", "Friedrichs", "Baumann", "Rehder", "Sievers", "Harms", "Lange", "Tiedemann", "Ahrens",
    "Hoffmann", "Çelik",
]

PUBLIC_TOPICS = [
    "Bebauungsplan Elbhausen 17 „Am Mühlenteich“ – Feststellungsbeschluss",
    "Sanierung der Grundschule Lindenallee – Sachstand und Zeitplan",
    "Radverkehrsstrategie: Veloroute 4, Abschnitt Kirchweg bis Marktplatz",
    "Einrichtung zusätzlicher Kita-Plätze im Quartier Hafenkante",
    "Bürgerbeteiligung zur Neugestaltung des Marktplatzes – Ergebnisse",
    "Klimaschutzkonzept des Bezirks – Fortschreibung 2027",
    "Baumfällungen und Ersatzpflanzungen im Elbpark",
    "Tempo 30 vor Schulen und Kitas – Prüfergebnisse",
    "Verwendung der Sondermittel der Bezirksversammlung",
    "Sanierung der Sporthalle Feldstraße",
    "Barrierefreier Ausbau der Bushaltestelle Rathausplatz",
    "Wohnungsbauprogramm des Bezirks – Bericht 2026",
    "Öffnungszeiten des Kundenzentrums – Antrag der Fraktionen",
    "Spielplatz Hafenkante – Planung der Erneuerung",
    "Straßenbeleuchtung auf LED umstellen – Maßnahmenplan",
    "Nachnutzung des ehemaligen Güterbahnhofs – Rahmenplanung",
    "Förderung von Stadtteilkultur – Zuwendungen 2027",
    "Hitzeaktionsplan für öffentliche Einrichtungen",
    "Parkraumbewirtschaftung im Quartier Altes Dorf",
    "Integrationsmaßnahmen für Geflüchtete – Sachstandsbericht",
    "Offene Kinder- und Jugendarbeit – Rahmenzuweisung",
    "Ausbau der Ladeinfrastruktur für Elektrofahrzeuge",
    "Grünflächenpflege – Ausschreibung der Unterhaltungsleistungen",
    "Lärmaktionsplan Stufe 4 – Stellungnahme des Bezirks",
]

NONPUBLIC_TOPICS = [
    "Grundstücksangelegenheit Flurstück 1234 – Vorkaufsrecht",
    "Personalangelegenheit – Besetzung der Leitung des Fachamts Stadt- und Landschaftsplanung",
    "Vergabe der Bauleistungen Schulsanierung Lindenallee",
    "Vertragsangelegenheit – Mietvertrag Jugendzentrum Nordstern",
    "Zuwendungsangelegenheit – Einzelfallprüfung Träger Stadtteiltreff",
    "Rechtsstreit wegen Baugenehmigung Hafenkante 12",
]

FORMAL_ITEMS = [
    "Eröffnung der Sitzung und Feststellung der Beschlussfähigkeit",
    "Genehmigung der Tagesordnung",
    "Genehmigung der Niederschrift der letzten Sitzung",
    "Öffentliche Fragestunde",
]

CLOSING_ITEMS = ["Mitteilungen der Verwaltung", "Verschiedenes"]

PAPER_TYPES = ["Beschlussvorlage", "Antrag", "Mitteilungsvorlage", "Anfrage", "Stellungnahme"]

LOCATIONS = [
    "Rathaus Elbhausen, Großer Sitzungssaal, Rathausplatz 1",
    "Rathaus Elbhausen, Raum 214, Rathausplatz 1",
    "Bürgerhaus Elbhausen-Nord, Saal 1, Mühlenweg 8",
    "Videokonferenz und Rathaus Elbhausen, Raum 101",
]
