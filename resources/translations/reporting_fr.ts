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
        <source>%n avertissement(s) à vérifier : corrigez, ou cliquez à nouveau sur « Signer » pour signer tel quel.</source>
        <translation>
            <numerusform>%n avertissement à vérifier : corrigez, ou cliquez à nouveau sur « Signer » pour signer tel quel.</numerusform>
            <numerusform>%n avertissements à vérifier : corrigez, ou cliquez à nouveau sur « Signer » pour signer tel quel.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Avant signature : complet, %n avertissement(s) à vérifier</source>
        <translation>
            <numerusform>Avant signature : complet, %n avertissement à vérifier</numerusform>
            <numerusform>Avant signature : complet, %n avertissements à vérifier</numerusform>
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
