<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="fr_FR">
<context>
    <name>ViewerWidget</name>
    <message numerus="yes">
        <source>{series}
{modality}, %n image(s)
Double-clic ou glisser vers une vue pour l&apos;afficher.</source>
        <translation>
            <numerusform>{series}
{modality}, %n image
Double-clic ou glisser vers une vue pour l&apos;afficher.</numerusform>
            <numerusform>{series}
{modality}, %n images
Double-clic ou glisser vers une vue pour l&apos;afficher.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n fichier(s) non affiché(s) :</source>
        <translation>
            <numerusform>%n fichier non affiché :</numerusform>
            <numerusform>%n fichiers non affichés :</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  … et %n autre(s) (voir l&apos;infobulle)</source>
        <translation>
            <numerusform>  … et %n autre (voir l&apos;infobulle)</numerusform>
            <numerusform>  … et %n autres (voir l&apos;infobulle)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>⚠ … et %n autre(s) avertissement(s) (voir l&apos;infobulle)</source>
        <translation>
            <numerusform>⚠ … et %n autre avertissement (voir l&apos;infobulle)</numerusform>
            <numerusform>⚠ … et %n autres avertissements (voir l&apos;infobulle)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) sans image joint(s) à l&apos;examen, non affiché(s) comme série :</source>
        <translation>
            <numerusform>%n document sans image joint à l&apos;examen, non affiché comme série :</numerusform>
            <numerusform>%n documents sans image joints à l&apos;examen, non affichés comme série :</numerusform>
        </translation>
    </message>
</context>
</TS>
