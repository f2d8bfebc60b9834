"""A small built-in gazetteer of places and international bodies common in news.

Storyline entities always win over these. Gazetteer entries are matched by the
entity ruler (so ``Kyiv`` is a GPE even where the statistical model says
PERSON) and give stable ids, but they are not "known" storyline entities.

Names that are also common given names or words (Jordan, Chad, Georgia, ...)
are left out on purpose: the statistical model decides those.
"""

from __future__ import annotations

from monitor.storylines.config import EntitySpec, entity_id

# name | label | aliases separated by ";"
_ENTRIES = """
United States|GPE|US;U.S.;USA;U.S.A.;United States of America
United Kingdom|GPE|UK;U.K.;Britain;Great Britain
European Union|ORG|EU;E.U.
United Nations|ORG|UN;U.N.
UN Security Council|ORG|United Nations Security Council;U.N. Security Council
NATO|ORG|North Atlantic Treaty Organization
Group of Seven|ORG|G7;G-7
Group of 20|ORG|G20;G-20
ASEAN|ORG|Association of Southeast Asian Nations
International Monetary Fund|ORG|IMF
World Bank|ORG|
World Health Organization|ORG|WHO
International Atomic Energy Agency|ORG|IAEA
World Trade Organization|ORG|WTO
White House|ORG|
Kremlin|ORG|
Pentagon|ORG|
China|GPE|People's Republic of China;PRC
Taiwan|GPE|
Japan|GPE|
South Korea|GPE|Republic of Korea;ROK
North Korea|GPE|DPRK;Democratic People's Republic of Korea
Russia|GPE|Russian Federation
Ukraine|GPE|
India|GPE|
Pakistan|GPE|
Afghanistan|GPE|
Iran|GPE|
Iraq|GPE|
Syria|GPE|
Israel|GPE|
Lebanon|GPE|
Saudi Arabia|GPE|
Yemen|GPE|
Qatar|GPE|
Egypt|GPE|
Turkey|GPE|Türkiye
Germany|GPE|
France|GPE|
Italy|GPE|
Spain|GPE|
Portugal|GPE|
Poland|GPE|
Netherlands|GPE|
Belgium|GPE|
Sweden|GPE|
Norway|GPE|
Finland|GPE|
Denmark|GPE|
Switzerland|GPE|
Austria|GPE|
Hungary|GPE|
Greece|GPE|
Romania|GPE|
Belarus|GPE|
Canada|GPE|
Mexico|GPE|
Brazil|GPE|
Argentina|GPE|
Venezuela|GPE|
Cuba|GPE|
Australia|GPE|
New Zealand|GPE|
Indonesia|GPE|
Philippines|GPE|
Vietnam|GPE|Viet Nam
Thailand|GPE|
Malaysia|GPE|
Singapore|GPE|
Mongolia|GPE|
Nigeria|GPE|
South Africa|GPE|
Kenya|GPE|
Ethiopia|GPE|
Washington, D.C.|GPE|Washington D.C.;D.C.
Beijing|GPE|
Shanghai|GPE|
Hong Kong|GPE|
Taipei|GPE|
Tokyo|GPE|
Osaka|GPE|
Hiroshima|GPE|
Seoul|GPE|
Busan|GPE|
Pyongyang|GPE|
Moscow|GPE|
Kyiv|GPE|Kiev
London|GPE|
Paris|GPE|
Berlin|GPE|
Brussels|GPE|
Rome|GPE|
Madrid|GPE|
Geneva|GPE|
Warsaw|GPE|
Ottawa|GPE|
Canberra|GPE|
New Delhi|GPE|Delhi
Tehran|GPE|
Baghdad|GPE|
Jerusalem|GPE|
Tel Aviv|GPE|
Gaza|GPE|
Cairo|GPE|
Ankara|GPE|
Istanbul|GPE|
Manila|GPE|
Hanoi|GPE|
Bangkok|GPE|
Jakarta|GPE|
New York|GPE|
"""


def gazetteer() -> tuple[EntitySpec, ...]:
    """The built-in gazetteer entries as entity specs."""
    specs: list[EntitySpec] = []
    for line in _ENTRIES.strip().splitlines():
        name, label, aliases = line.split("|")
        specs.append(EntitySpec(name=name, label=label, aliases=tuple(a for a in aliases.split(";") if a)))
    return tuple(specs)


_DEMONYMS = """
American:United States|British:United Kingdom|Chinese:China|Taiwanese:Taiwan|Japanese:Japan
South Korean:South Korea|North Korean:North Korea|Russian:Russia|Ukrainian:Ukraine|Indian:India
Pakistani:Pakistan|Iranian:Iran|Iraqi:Iraq|Syrian:Syria|Israeli:Israel|Palestinian:Palestine
Saudi:Saudi Arabia|Egyptian:Egypt|Turkish:Turkey|German:Germany|French:France|Italian:Italy
Spanish:Spain|Polish:Poland|Dutch:Netherlands|Swedish:Sweden|Canadian:Canada|Mexican:Mexico
Brazilian:Brazil|Australian:Australia|Indonesian:Indonesia|Filipino:Philippines|Vietnamese:Vietnam
Thai:Thailand|Malaysian:Malaysia|Singaporean:Singapore|Mongolian:Mongolia
"""


def demonym_countries() -> dict[str, str]:
    """Country entity ids by case-folded demonym ("south korean" -> "south-korea")."""
    pairs = (item.split(":") for line in _DEMONYMS.strip().splitlines() for item in line.split("|"))
    return {demonym.casefold(): entity_id(country) for demonym, country in pairs}
