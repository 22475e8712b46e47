"""What the demo's staff and customers write: encounter notes, survey comments, case notes (mostly Finnish)."""

NOTES_POOR = [
    "Asiakas joutui odottamaan yli 20 minuuttia, vaikka hänellä oli varattu aika.",
    "Jälkitarkastuksen syy jäi asiakkaalle epäselväksi, selitin uudelleen.",
    "Korttimaksu ei toiminut kaistalla, asiakas joutui käymään tiskillä.",
    "Verkkovarauksen vahvistusviesti ei ollut tullut perille.",
    "Asiakas piti hintaa kalliina verrattuna naapuriasemaan.",
    "Pysäköintipaikat taas täynnä, asiakas kiersi pihaa kymmenen minuuttia.",
    "Asiakas pyysi, että tulos kerrotaan ilman lyhenteitä. Pöytäkirja on vaikeaselkoinen.",
    "Asiakas oli närkästynyt, kun hylkäys tuli pienestä valoviasta.",
]
NOTES_GOOD = [
    "Asiakas kiitteli nopeasta palvelusta.",
    "Kerroin renkaiden kunnosta, asiakas oli iloinen vinkistä.",
    "Auto oli valmis ennen kuin asiakas ehti juoda kahvinsa.",
    "Vakioasiakas kehui uutta odotustilaa.",
    "Näytin jarrulevyn kulumisen kuvasta, asiakas ymmärsi heti.",
]
NOTES_IDEA = [
    "Asiakas kysyi, voisiko katsastusajan varata myös iltaisin.",
    "Toive: muistutus tekstiviestinä sähköpostin lisäksi.",
    "Asiakas halusi kuitin sähköpostiin paperin sijaan.",
    "Ehdotus: odotustilan kahviautomaattiin korttimaksu.",
    "Pakettiautoilija kysyi lauantaiaikoja, niitä ei nyt ole.",
]
COMMENTS = {
    "fi": {
        "poor": [
            "Jonotin puoli tuntia varatusta ajasta huolimatta.",
            "Kukaan ei kertonut kunnolla, miksi auto hylättiin.",
            "Hinta oli korkeampi kuin verkossa luki.",
            "Palvelu tiskillä oli tylyä ja kiireistä.",
            "Maksupääte ei toiminut ja jouduin jonottamaan kassalle uudestaan.",
            "Auto ei ollut ovella, vaan sitä piti etsiä pihalta.",
        ],
        "mid": [
            "Ihan ok, mutta odotustila voisi olla viihtyisämpi.",
            "Varaus toimi, pihalla oli vaikea löytää oikea kaista.",
        ],
        "good": [
            "Nopea ja ystävällinen palvelu, kiitos!",
            "Katsastaja selitti viat selkeästi.",
            "Helppo varata ja sujuva käynti.",
            "Hyvä kokemus, tulen uudelleen.",
        ],
    },
    "en": {
        "poor": ["I waited half an hour despite my booking.", "Nobody explained why the car failed."],
        "mid": ["Fine, but the waiting room could be nicer."],
        "good": ["Quick and friendly, thank you!", "The inspector explained everything clearly."],
    },
}
RESOLUTIONS = [
    "Soitin asiakkaalle ja pahoittelin odotusta. Tarjosimme seuraavan katsastuksen 20 % alennuksella.",
    "Kävin hylkäyksen syyt läpi puhelimessa ja varasimme jälkitarkastuksen sopivaan aikaan.",
    "Hintaero hyvitetty asiakkaalle ja verkkosivun hinta korjattu.",
    "Asiakas tyytyväinen soittoon, kertoi arvostavansa yhteydenottoa.",
]
CONTACT_NOTES = [
    "Soitin asiakkaalle.",
    "Soitin asiakkaalle ja sovimme jatkosta.",
    "Jätin soittopyynnön ja lähetin sähköpostia.",
]
