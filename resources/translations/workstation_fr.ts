<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="fr_FR">
<context>
    <name>ExpertisePanel</name>
    <message numerus="yes">
        <source>Demandes d&apos;avis (téléexpertise) — %n à traiter</source>
        <translation>
            <numerusform>Demandes d&apos;avis (téléexpertise) — %n à traiter</numerusform>
            <numerusform>Demandes d&apos;avis (téléexpertise) — %n à traiter</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n demande(s)</source>
        <translation>
            <numerusform>%n demande</numerusform>
            <numerusform>%n demandes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n urgente(s)</source>
        <translation>
            <numerusform>%n urgente</numerusform>
            <numerusform>%n urgentes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) en attente d&apos;envoi</source>
        <translation>
            <numerusform>%n message en attente d&apos;envoi</numerusform>
            <numerusform>%n messages en attente d&apos;envoi</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refusé(s)</source>
        <translation>
            <numerusform>%n refusé</numerusform>
            <numerusform>%n refusés</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReadingComparison</name>
    <message numerus="yes">
        <source>Images clés (%n)</source>
        <translation>
            <numerusform>Image clé (%n)</numerusform>
            <numerusform>Images clés (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReadingPage</name>
    <message numerus="yes">
        <source>%n image(s) lue(s) dans le cache chiffré du poste</source>
        <translation>
            <numerusform>%n image lue dans le cache chiffré du poste</numerusform>
            <numerusform>%n images lues dans le cache chiffré du poste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) reçue(s) de la plateforme</source>
        <translation>
            <numerusform>%n image reçue de la plateforme</numerusform>
            <numerusform>%n images reçues de la plateforme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Acquisition en cours : %n image(s) déjà reçue(s) ; rouvrez l&apos;examen pour les suivantes.</source>
        <translation>
            <numerusform>Acquisition en cours : %n image déjà reçue ; rouvrez l&apos;examen pour les suivantes.</numerusform>
            <numerusform>Acquisition en cours : %n images déjà reçues ; rouvrez l&apos;examen pour les suivantes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_ProgressRelay</name>
    <message numerus="yes">
        <source>%n image(s) reçue(s) de la plateforme</source>
        <translation>
            <numerusform>%n image reçue de la plateforme</numerusform>
            <numerusform>%n images reçues de la plateforme</numerusform>
        </translation>
    </message>
</context>
</TS>
