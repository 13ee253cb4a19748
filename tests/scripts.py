"""Whole conversations a person goes through, shared by several tests."""

from __future__ import annotations

from tests.standin import ScriptedPerson


async def fachkraeftefonds_until_summary(ama: ScriptedPerson, german: bool = False) -> None:
    """Answers every Fachkräftefonds question, ending at the summary."""
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    await ama.send("Stadt Bonn")
    await ama.click("Nordrhein-Westfalen" if german else "North Rhine-Westphalia")
    await ama.send("Cape Coast")
    await ama.send("Gha")
    await ama.click("Ghana")
    await ama.click("5 bis 10 Jahre" if german else "5 to 10 years")
    await ama.send("Abfallwirtschaft & <Finanzen>")
    await ama.send("Ein Sammelsystem aufbauen 🙂")
    await ama.click("Noch unklar" if german else "Not sure yet")
    await ama.send("Maria Müller")
    await ama.send("Head of the international office")
    await ama.send("maria.mueller@bonn.de")
    await ama.click("Ja, ich stimme zu" if german else "Yes, I agree")


async def verwaltungspartnerschaft_until_summary(ama: ScriptedPerson, german: bool = False) -> None:
    """Answers every Verwaltungspartnerschaft question (state level), ending at the summary."""
    de = german
    await ama.send("/interest")
    await ama.click("Verwaltungspartnerschaft")
    await ama.click("Land" if de else "State (Land)")
    await ama.click("Bayern" if de else "Bavaria")
    await ama.send("Bayerisches Landesamt für Statistik")
    await ama.send("Ghana Statistical Service")
    await ama.send("ghana")
    await ama.click("Ghana")
    await ama.send("Census methodology")
    await ama.click(
        "Beschäftigte des Partners aus- und weiterbilden" if de else "Train the partner's staff"
    )
    await ama.click(
        "Institutionellen Austausch bilateral stärken"
        if de
        else "Strengthen bilateral institutional exchange"
    )
    await ama.click("☑️ Fertig" if de else "☑️ Done")
    await ama.click("Schulungen" if de else "Trainings")
    await ama.click("Studienreisen" if de else "Study trips")
    await ama.click("☑️ Fertig" if de else "☑️ Done")
    await ama.click("1 bis 2 Jahre" if de else "1 to 2 years")
    await ama.click("In Vorbereitung" if de else "In preparation")
    await ama.click(
        "16 Frieden, Gerechtigkeit und starke Institutionen"
        if de
        else "16 Peace, justice and strong institutions"
    )
    await ama.click(
        "17 Partnerschaften zur Erreichung der Ziele" if de else "17 Partnerships for the goals"
    )
    await ama.click("☑️ Fertig" if de else "☑️ Done")
    await ama.send("Niemand wird ausgeschlossen.")
    await ama.click("Überspringen" if de else "Skip")
    await ama.send("Kwame Mensah")
    await ama.send("Director")
    await ama.send("kwame@statsghana.gov.gh")
    await ama.click("Ja, ich stimme zu" if de else "Yes, I agree")
