<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="fr_FR">
<context>
    <name>ReportEditor</name>
    <message numerus="yes">
        <source>Signature impossible : %n élément(s) à compléter</source>
        <translation>
            <numerusform>Signature impossible : %n élément à compléter</numerusform>
            <numerusform>Signature impossible : %n éléments à compléter</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Avant signature : %n élément(s) manquant(s)</source>
        <translation>
            <numerusform>Avant signature : %n élément manquant</numerusform>
            <numerusform>Avant signature : %n éléments manquants</numerusform>
        </translation>
    </message>
</context>
</TS>
