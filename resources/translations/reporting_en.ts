<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="fr_FR">
<context>
    <name>ReportEditor</name>
    <message>
        <source>RDSR</source>
        <translation>RDSR</translation>
    </message>
    <message>
        <source>en-tête DICOM</source>
        <translation>DICOM header</translation>
    </message>
    <message>
        <source>ordre HL7</source>
        <translation>HL7 order</translation>
    </message>
    <message>
        <source>complément HL7</source>
        <translation>HL7 supplement</translation>
    </message>
    <message>
        <source>saisie</source>
        <translation>entered</translation>
    </message>
    <message>
        <source>compte</source>
        <translation>account</translation>
    </message>
    <message>
        <source>calculé</source>
        <translation>computed</translation>
    </message>
    <message>
        <source>— manquant</source>
        <translation>— missing</translation>
    </message>
    <message>
        <source>Macros : tapez le mot-clé puis Tab pour le remplacer par son texte.
Tab sans mot-clé passe au champ suivant, Maj+Tab au précédent. Ctrl+Z : annuler ; Ctrl+Y ou Ctrl+Maj+Z : rétablir.</source>
        <translation>Macros: type the keyword, then Tab to replace it with its text.
Tab without a keyword moves to the next field, Shift+Tab to the previous one. Ctrl+Z: undo; Ctrl+Y or Ctrl+Shift+Z: redo.</translation>
    </message>
    <message>
        <source>téléphone</source>
        <translation>telephone</translation>
    </message>
    <message>
        <source>messagerie sécurisée de santé</source>
        <translation>secure health messaging</translation>
    </message>
    <message>
        <source>de vive voix</source>
        <translation>in person</translation>
    </message>
    <message>
        <source>BROUILLON — NON SIGNÉ</source>
        <translation>DRAFT — NOT SIGNED</translation>
    </message>
    <message>
        <source>Addendum de la version {version} ({author})</source>
        <translation>Addendum to version {version} ({author})</translation>
    </message>
    <message>
        <source>Compte rendu verrouillé : la mesure n&apos;a pas été insérée.</source>
        <translation>Report locked: the measurement was not inserted.</translation>
    </message>
    <message>
        <source>Insérer une mesure</source>
        <translation>Insert measurement</translation>
    </message>
    <message>
        <source>Mesure insérée dans « {chapter} ».</source>
        <translation>Measurement inserted into ‘{chapter}’.</translation>
    </message>
    <message>
        <source>Compte rendu signé le {date} à {time} : verrouillé. Toute correction passe par une nouvelle version.</source>
        <translation>Report signed on {date} at {time}: locked. Any correction requires a new version.</translation>
    </message>
    <message>
        <source>Compte rendu signé : verrouillé. Toute correction passe par une nouvelle version.</source>
        <translation>Report signed: locked. Any correction requires a new version.</translation>
    </message>
    <message numerus="yes">
        <source>Signature impossible : %n élément(s) à compléter</source>
        <translation>
            <numerusform>Cannot sign: %n item to complete</numerusform>
            <numerusform>Cannot sign: %n items to complete</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n avertissement(s) à vérifier : corrigez, ou cliquez à nouveau sur « Signer » pour signer tel quel.</source>
        <translation>
            <numerusform>%n warning to check: correct it, or click ‘Sign report’ again to sign as it is.</numerusform>
            <numerusform>%n warnings to check: correct them, or click ‘Sign report’ again to sign as it is.</numerusform>
        </translation>
    </message>
    <message>
        <source>Compte rendu complet : signature demandée.</source>
        <translation>Report complete: signature requested.</translation>
    </message>
    <message>
        <source>Signature refusée : complétez les éléments listés.</source>
        <translation>Signature refused: complete the items listed.</translation>
    </message>
    <message>
        <source>Modèle :</source>
        <translation>Template:</translation>
    </message>
    <message>
        <source>Modèle de compte rendu. En changer garde le texte déjà écrit (en texte libre) ; l&apos;historique d&apos;annulation repart de zéro.</source>
        <translation>Report template. Changing it keeps the text already written (as free text); the undo history starts again.</translation>
    </message>
    <message>
        <source>Éléments injectés (lecture seule, avec leur source)</source>
        <translation>Imported data (read-only, with its source)</translation>
    </message>
    <message>
        <source>Élément</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>Valeur</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Rédaction</source>
        <translation>Writing</translation>
    </message>
    <message>
        <source>Aperçu du document</source>
        <translation>Document preview</translation>
    </message>
    <message>
        <source>Avant signature</source>
        <translation>Before signing</translation>
    </message>
    <message>
        <source>Cliquez sur un élément pour aller à l&apos;endroit où le compléter.</source>
        <translation>Click an item to go to where it can be completed.</translation>
    </message>
    <message>
        <source>Signer…</source>
        <translation>Sign report…</translation>
    </message>
    <message>
        <source>Vérifie le compte rendu puis demande la signature (second facteur).</source>
        <translation>Checks the report, then requests the signature (second factor).</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>Rétablir</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Sans modèle</source>
        <translation>No template</translation>
    </message>
    <message>
        <source>Addendum</source>
        <translation>Addendum</translation>
    </message>
    <message>
        <source>Texte de l&apos;addendum (complément au compte rendu signé)</source>
        <translation>Addendum text (supplement to the signed report)</translation>
    </message>
    <message>
        <source>Macros de ce chapitre : {keywords}.</source>
        <translation>Macros for this section: {keywords}.</translation>
    </message>
    <message>
        <source>Texte libre — macros : {keywords} (puis Tab)</source>
        <translation>Free text — macros: {keywords} (then Tab)</translation>
    </message>
    <message>
        <source>{chapter} : texte libre</source>
        <translation>{chapter}: free text</translation>
    </message>
    <message>
        <source>Choisissez dans la liste (flèches haut/bas), ou tapez le début d&apos;un choix : il est complété et Tab le valide. Une autre valeur peut aussi être tapée.</source>
        <translation>Choose from the list (up/down arrows), or type the start of a choice: it is completed and Tab accepts it. Another value can also be typed.</translation>
    </message>
    <message>
        <source>Vérifications du radiologue</source>
        <translation>Radiologist&apos;s checks</translation>
    </message>
    <message>
        <source>Identité du patient vérifiée : les images sont bien celles du patient de la demande</source>
        <translation>Patient identity verified: the images belong to the patient named in the request</translation>
    </message>
    <message>
        <source>Identité du patient vérifiée</source>
        <translation>Patient identity verified</translation>
    </message>
    <message>
        <source>Les images sont bien celles du patient de la demande.</source>
        <translation>The images belong to the patient named in the request.</translation>
    </message>
    <message>
        <source>ex. 850,5</source>
        <translation>e.g. 850.5</translation>
    </message>
    <message>
        <source>PDL total lu sur la console (mGy·cm)</source>
        <translation>Total DLP read on the console (mGy·cm)</translation>
    </message>
    <message>
        <source>ex. 0,92</source>
        <translation>e.g. 0.92</translation>
    </message>
    <message>
        <source>PDS total lu sur l&apos;appareil (dGy·cm²)</source>
        <translation>Total DAP read on the unit (dGy·cm²)</translation>
    </message>
    <message>
        <source>À remplir seulement si la dose ne peut pas être importée</source>
        <translation>Fill in only if the dose cannot be imported</translation>
    </message>
    <message>
        <source>Motif d&apos;absence de dose</source>
        <translation>Reason for missing dose</translation>
    </message>
    <message>
        <source>Incident technique ou indésirable (ex. réaction au contraste)</source>
        <translation>Technical or adverse incident (e.g. contrast reaction)</translation>
    </message>
    <message>
        <source>Ajouter l&apos;incident</source>
        <translation>Add incident</translation>
    </message>
    <message>
        <source>Résultat urgent communiqué à (nom, fonction)</source>
        <translation>Urgent result communicated to (name, role)</translation>
    </message>
    <message>
        <source>Noter l&apos;appel</source>
        <translation>Record call</translation>
    </message>
    <message>
        <source>Note à qui, comment et quand le résultat urgent a été communiqué.</source>
        <translation>Records to whom, how and when the urgent result was communicated.</translation>
    </message>
    <message>
        <source>seulement si les images ne le donnent pas ({example})</source>
        <translation>only if the images do not provide it ({example})</translation>
    </message>
    <message>
        <source>Ajouter un incident</source>
        <translation>Add incident</translation>
    </message>
    <message>
        <source>Noter la communication du résultat urgent</source>
        <translation>Record urgent result communication</translation>
    </message>
    <message>
        <source>Résultat communiqué en urgence par {means} à {recipient} le {date} à {time}.</source>
        <translation>Urgent result communicated by {means} to {recipient} on {date} at {time}.</translation>
    </message>
    <message>
        <source>Choisir « {choice} »</source>
        <translation>Choose ‘{choice}’</translation>
    </message>
    <message>
        <source>Identité vérifiée</source>
        <translation>Verify identity</translation>
    </message>
    <message>
        <source>Retirer la vérification d&apos;identité</source>
        <translation>Remove identity verification</translation>
    </message>
    <message>
        <source>PDL</source>
        <translation>DLP</translation>
    </message>
    <message>
        <source>PDS</source>
        <translation>DAP</translation>
    </message>
    <message>
        <source>PDL et PDS</source>
        <translation>DLP and DAP</translation>
    </message>
    <message>
        <source>{quantity} : nombre positif attendu (virgule décimale acceptée) ; valeur ignorée.</source>
        <translation>{quantity}: positive number expected (decimal point or comma accepted); value ignored.</translation>
    </message>
    <message>
        <source>Texte repris de : {source}</source>
        <translation>Text taken from: {source}</translation>
    </message>
    <message>
        <source>Macro « {keyword} »</source>
        <translation>Macro ‘{keyword}’</translation>
    </message>
    <message>
        <source>Dictionnaire personnel impossible à écrire : « {word} » reste souligné.</source>
        <translation>The personal dictionary cannot be written: ‘{word}’ stays underlined.</translation>
    </message>
    <message>
        <source>« {word} » ajouté au dictionnaire personnel.</source>
        <translation>‘{word}’ added to the personal dictionary.</translation>
    </message>
    <message>
        <source>{name}, né(e) le {date}</source>
        <translation>{name}, born {date}</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>INS</source>
        <translation>INS</translation>
    </message>
    <message>
        <source>Acte</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Acte {number}</source>
        <translation>Procedure {number}</translation>
    </message>
    <message>
        <source>Date et heure de l&apos;acte</source>
        <translation>Procedure date and time</translation>
    </message>
    <message>
        <source>Fin de l&apos;acte</source>
        <translation>End of the procedure</translation>
    </message>
    <message>
        <source>Date de la demande</source>
        <translation>Request date</translation>
    </message>
    <message>
        <source>lot {lot}</source>
        <translation>batch {lot}</translation>
    </message>
    <message>
        <source>Produit administré</source>
        <translation>Administered product</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incident</translation>
    </message>
    <message>
        <source>Médecin demandeur</source>
        <translation>Requesting physician</translation>
    </message>
    <message>
        <source>Radiologue (téléradiologie)</source>
        <translation>Radiologist (teleradiology)</translation>
    </message>
    <message>
        <source>Médecin responsable de la structure</source>
        <translation>Site physician in charge</translation>
    </message>
    <message>
        <source>Manipulateur</source>
        <translation>Radiographer</translation>
    </message>
    <message>
        <source>Structure d&apos;imagerie</source>
        <translation>Imaging site</translation>
    </message>
    <message>
        <source>Mention de téléradiologie</source>
        <translation>Teleradiology statement</translation>
    </message>
    <message>
        <source>Interprétation</source>
        <translation>Interpretation</translation>
    </message>
    <message>
        <source>N° de demande</source>
        <translation>Order number</translation>
    </message>
    <message>
        <source>N° d&apos;examen (accession)</source>
        <translation>Accession number</translation>
    </message>
    <message>
        <source>Study Instance UID</source>
        <translation>Study Instance UID</translation>
    </message>
    <message>
        <source>Dose</source>
        <translation>Dose</translation>
    </message>
    <message>
        <source>PDL total</source>
        <translation>Total DLP</translation>
    </message>
    <message>
        <source>PDL {value} mGy·cm</source>
        <translation>DLP {value} mGy·cm</translation>
    </message>
    <message>
        <source>PDS total</source>
        <translation>Total DAP</translation>
    </message>
    <message>
        <source>Temps de scopie</source>
        <translation>Fluoroscopy time</translation>
    </message>
    <message>
        <source>Appareil</source>
        <translation>Equipment</translation>
    </message>
    <message>
        <source>Compte rendu signé : aucune modification possible.</source>
        <translation>Report signed: no changes possible.</translation>
    </message>
    <message>
        <source>Signé</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>Niveau de référence dépassé : ne bloque pas la signature</source>
        <translation>Reference level exceeded: does not block signing</translation>
    </message>
    <message>
        <source>{code} — cliquez pour aller à : {field}</source>
        <translation>{code} — click to go to: {field}</translation>
    </message>
    <message>
        <source>Rien ne manque : le compte rendu peut être signé.</source>
        <translation>Nothing missing: the report can be signed.</translation>
    </message>
    <message numerus="yes">
        <source>Avant signature : complet, %n avertissement(s) à vérifier</source>
        <translation>
            <numerusform>Before signing: complete, %n warning to check</numerusform>
            <numerusform>Before signing: complete, %n warnings to check</numerusform>
        </translation>
    </message>
    <message>
        <source>Avant signature : complet</source>
        <translation>Before signing: complete</translation>
    </message>
    <message numerus="yes">
        <source>Avant signature : %n élément(s) manquant(s)</source>
        <translation>
            <numerusform>Before signing: %n item missing</numerusform>
            <numerusform>Before signing: %n items missing</numerusform>
        </translation>
    </message>
    <message>
        <source>Avertissement {code} (ne bloque pas la signature) — cliquez pour aller à : {field}</source>
        <translation>Warning {code} (does not block signing) — click to go to: {field}</translation>
    </message>
    <message>
        <source>Patient non identifié</source>
        <translation>Unidentified patient</translation>
    </message>
    <message>
        <source>{name}, née {birth_name}</source>
        <translation>{name}, birth name {birth_name}</translation>
    </message>
    <message>
        <source>{name}, né {birth_name}</source>
        <translation>{name}, birth name {birth_name}</translation>
    </message>
    <message>
        <source>Examen non renseigné</source>
        <translation>Examination not specified</translation>
    </message>
    <message>
        <source>signé</source>
        <translation>signed</translation>
    </message>
    <message>
        <source>brouillon</source>
        <translation>draft</translation>
    </message>
    <message>
        <source>Version {version}, {status} — modèle : {template}</source>
        <translation>Version {version}, {status} — template: {template}</translation>
    </message>
    <message>
        <source>Version {version}, {status}</source>
        <translation>Version {version}, {status}</translation>
    </message>
    <message>
        <source>Saisir le motif d&apos;absence de dose</source>
        <translation>Enter reason for missing dose</translation>
    </message>
    <message>
        <source>Saisir le PDL total</source>
        <translation>Enter total DLP</translation>
    </message>
    <message>
        <source>Saisir le PDS total</source>
        <translation>Enter total DAP</translation>
    </message>
    <message>
        <source>Saisir un champ</source>
        <translation>Edit field</translation>
    </message>
</context>
<context>
    <name>ReportPreview</name>
    <message>
        <source>sans modèle</source>
        <translation>no template</translation>
    </message>
    <message>
        <source>Compte rendu — {template}</source>
        <translation>Report — {template}</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Signature</translation>
    </message>
    <message>
        <source>Compte rendu signé (aperçu : rien n&apos;est envoyé).</source>
        <translation>Report signed (preview: nothing is sent).</translation>
    </message>
</context>
<context>
    <name>SpellLineEdit</name>
    <message>
        <source>(aucune suggestion)</source>
        <translation>(no suggestion)</translation>
    </message>
    <message>
        <source>Ajouter « {word} » au dictionnaire personnel</source>
        <translation>Add &quot;{word}&quot; to the personal dictionary</translation>
    </message>
    <message>
        <source>Dictionnaire personnel</source>
        <translation>Personal dictionary</translation>
    </message>
    <message>
        <source>Dictionnaire personnel impossible à écrire : « {word} » reste souligné.</source>
        <translation>Personal dictionary cannot be written: &quot;{word}&quot; stays underlined.</translation>
    </message>
</context>
<context>
    <name>_ChapterEdit</name>
    <message>
        <source>Modifier « {title} »</source>
        <translation>Edit ‘{title}’</translation>
    </message>
    <message>
        <source>Saisie dans « {title} »</source>
        <translation>Typing in ‘{title}’</translation>
    </message>
    <message>
        <source>Coller dans « {title} »</source>
        <translation>Paste into ‘{title}’</translation>
    </message>
    <message>
        <source>(aucune suggestion)</source>
        <translation>(no suggestions)</translation>
    </message>
    <message>
        <source>Ajouter « {word} » au dictionnaire personnel</source>
        <translation>Add ‘{word}’ to the personal dictionary</translation>
    </message>
    <message>
        <source>Corriger « {word} »</source>
        <translation>Correct ‘{word}’</translation>
    </message>
</context>
<context>
    <name>reporting.Sourced</name>
    <message>
        <source>commentaire de dose de « {name} »</source>
        <translation>dose comment of ‘{name}’</translation>
    </message>
    <message>
        <source>somme des en-têtes de {count} images</source>
        <translation>sum of the headers of {count} images</translation>
    </message>
    <message>
        <source>somme des PDL des acquisitions</source>
        <translation>sum of the acquisitions&apos; DLPs</translation>
    </message>
    <message>
        <source>lu dans un texte libre : à vérifier</source>
        <translation>read from free text: to be checked</translation>
    </message>
    <message>
        <source>somme des PDS des événements</source>
        <translation>sum of the events&apos; DAPs</translation>
    </message>
    <message>
        <source>en-tête de l&apos;image</source>
        <translation>image header</translation>
    </message>
    <message>
        <source>date d&apos;acquisition des images</source>
        <translation>acquisition date of the images</translation>
    </message>
    <message>
        <source>ouverture de l&apos;examen</source>
        <translation>opening of the exam</translation>
    </message>
    <message>
        <source>acquisition de la dernière image</source>
        <translation>acquisition of the last image</translation>
    </message>
    <message>
        <source>saisi par le radiologue</source>
        <translation>entered by the radiologist</translation>
    </message>
    <message>
        <source>Study Instance UID des images</source>
        <translation>Study Instance UID of the images</translation>
    </message>
    <message>
        <source>lu sur la console par le radiologue</source>
        <translation>read on the console by the radiologist</translation>
    </message>
</context>
<context>
    <name>reporting.checks</name>
    <message>
        <source>Le chapitre « Indication » est vide.</source>
        <translation>The Indication section is empty.</translation>
    </message>
    <message>
        <source>Le chapitre « Technique » est vide.</source>
        <translation>The Technique section is empty.</translation>
    </message>
    <message>
        <source>Le chapitre « Résultats » est vide.</source>
        <translation>The Findings section is empty.</translation>
    </message>
    <message>
        <source>La conclusion (« Synthèse / Conclusion ») est vide.</source>
        <translation>The Conclusion section is empty.</translation>
    </message>
    <message>
        <source>Ce compte rendu est déjà signé : créez une nouvelle version.</source>
        <translation>This report is already signed: create a new version.</translation>
    </message>
    <message>
        <source>L&apos;identité du patient est absente.</source>
        <translation>The patient&apos;s identity is missing.</translation>
    </message>
    <message>
        <source>Le matricule INS du patient est absent.</source>
        <translation>The patient&apos;s INS number is missing.</translation>
    </message>
    <message>
        <source>La concordance entre l&apos;identité du patient et les images n&apos;a pas été vérifiée.</source>
        <translation>The match between the patient&apos;s identity and the images has not been verified.</translation>
    </message>
    <message>
        <source>Aucun acte d&apos;imagerie n&apos;est renseigné.</source>
        <translation>No imaging procedure is specified.</translation>
    </message>
    <message>
        <source>L&apos;acte n° {number} n&apos;a ni code CCAM ni code LOINC.</source>
        <translation>Procedure {number} has neither a CCAM nor a LOINC code.</translation>
    </message>
    <message>
        <source>La localisation anatomique de l&apos;acte n° {number} est absente.</source>
        <translation>The anatomical location of procedure {number} is missing.</translation>
    </message>
    <message>
        <source>Le radiologue auteur du compte rendu n&apos;est pas identifié.</source>
        <translation>The radiologist authoring the report is not identified.</translation>
    </message>
    <message>
        <source>Le numéro RPPS du radiologue auteur est absent ou invalide.</source>
        <translation>The authoring radiologist&apos;s RPPS number is missing or invalid.</translation>
    </message>
    <message>
        <source>Le médecin responsable de la structure d&apos;imagerie (responsable du document) n&apos;est pas identifié.</source>
        <translation>The imaging site&apos;s physician in charge (responsible for the document) is not identified.</translation>
    </message>
    <message>
        <source>Le médecin demandeur n&apos;est pas identifié.</source>
        <translation>The requesting physician is not identified.</translation>
    </message>
    <message>
        <source>La structure d&apos;imagerie (dépositaire du document) n&apos;est pas identifiée.</source>
        <translation>The imaging site (custodian of the document) is not identified.</translation>
    </message>
    <message>
        <source>Le numéro de la demande (Order Placer Number) est absent.</source>
        <translation>The order number (Order Placer Number) is missing.</translation>
    </message>
    <message>
        <source>Le numéro d&apos;examen (Accession Number) est absent.</source>
        <translation>The examination number (Accession Number) is missing.</translation>
    </message>
    <message>
        <source>L&apos;identifiant DICOM de l&apos;examen (Study Instance UID) est absent.</source>
        <translation>The examination&apos;s DICOM identifier (Study Instance UID) is missing.</translation>
    </message>
    <message>
        <source>La date et l&apos;heure de l&apos;acte sont absentes.</source>
        <translation>The procedure date and time are missing.</translation>
    </message>
    <message>
        <source>La mention de téléradiologie avec le nom du radiologue est absente.</source>
        <translation>The teleradiology statement naming the radiologist is missing.</translation>
    </message>
    <message>
        <source>L&apos;addendum est vide.</source>
        <translation>The addendum is empty.</translation>
    </message>
    <message>
        <source>Acte irradiant sans dose : importez la dose ou indiquez pourquoi elle manque.</source>
        <translation>Ionising procedure without a dose: import the dose or state why it is missing.</translation>
    </message>
    <message>
        <source>Scanner sans PDL total : saisissez le PDL affiché par la console ou indiquez pourquoi il manque.</source>
        <translation>CT without a total DLP: enter the DLP shown on the console or state why it is missing.</translation>
    </message>
    <message>
        <source>Radiographie sans PDS : saisissez le PDS ou indiquez pourquoi il manque.</source>
        <translation>Radiography without a DAP: enter the DAP or state why it is missing.</translation>
    </message>
    <message>
        <source>{quantity} {value} {unit}{where} au-dessus du niveau de référence diagnostique « {act} » ({level} {unit}, arrêté du 23 mai 2019) : à commenter dans le compte rendu si besoin.</source>
        <translation>{quantity} {value} {unit}{where} above the diagnostic reference level ‘{act}’ ({level} {unit}, French order of 23 May 2019): comment on it in the report if needed.</translation>
    </message>
</context>
<context>
    <name>reporting.consistency</name>
    <message>
        <source>Contradiction : « {label} : {value} » alors que la conclusion dit « {said} ». Corrigez la liste ou le texte.</source>
        <translation>Contradiction: ‘{label}: {value}’ while the conclusion says ‘{said}’. Correct the list or the text.</translation>
    </message>
    <message>
        <source>Contradiction : « {label} : {value} » alors que les résultats disent « {said} ». Corrigez la liste ou le texte.</source>
        <translation>Contradiction: ‘{label}: {value}’ while the findings say ‘{said}’. Correct the list or the text.</translation>
    </message>
    <message>
        <source>Macro non développée dans « {chapter} » : « {keyword} » (Tab après le mot-clé pour la développer, ou supprimez-le).</source>
        <translation>Macro not expanded in ‘{chapter}’: ‘{keyword}’ (Tab after the keyword to expand it, or delete it).</translation>
    </message>
    <message>
        <source>Résultat urgent (« {said} ») sans communication notée : notez à qui et comment il a été transmis, ou confirmez la signature.</source>
        <translation>Urgent result (‘{said}’) with no communication recorded: record to whom and how it was passed on, or confirm the signature.</translation>
    </message>
    <message>
        <source>Côté à vérifier : la demande parle de « {organ} {asked} », le compte rendu de « {organ} {said} ».</source>
        <translation>Side to check: the request mentions ‘{organ} {asked}’, the report ‘{organ} {said}’.</translation>
    </message>
    <message>
        <source>Organe à vérifier : « {organ} » pour un patient de sexe {sex} (identité de la demande).</source>
        <translation>Organ to check: ‘{organ}’ for a patient of sex {sex} (identity in the request).</translation>
    </message>
    <message>
        <source>La conclusion tient en un mot : répond-elle à la question posée ?</source>
        <translation>The conclusion is a single word: does it answer the clinical question?</translation>
    </message>
    <message>
        <source>La conclusion ne répond pas à la question clinique (« {question} ») : aucun mot sur ce qu&apos;elle demande ({topics}).</source>
        <translation>The conclusion does not answer the clinical question (‘{question}’): nothing about what it asks ({topics}).</translation>
    </message>
</context>
<context>
    <name>reporting.model</name>
    <message>
        <source>RDSR DICOM (rapport de dose)</source>
        <translation>DICOM RDSR (dose report)</translation>
    </message>
    <message>
        <source>en-tête DICOM des images</source>
        <translation>DICOM header of the images</translation>
    </message>
    <message>
        <source>demande d&apos;examen HL7 (ORM)</source>
        <translation>HL7 examination request (ORM)</translation>
    </message>
    <message>
        <source>complément post-examen HL7 (OMI)</source>
        <translation>HL7 post-examination supplement (OMI)</translation>
    </message>
    <message>
        <source>saisie du radiologue</source>
        <translation>entered by the radiologist</translation>
    </message>
    <message>
        <source>compte du radiologue connecté</source>
        <translation>signed-in radiologist&apos;s account</translation>
    </message>
    <message>
        <source>calculé par le poste</source>
        <translation>computed by the workstation</translation>
    </message>
    <message>
        <source>Indication</source>
        <translation>Indication</translation>
    </message>
    <message>
        <source>Technique</source>
        <translation>Technique</translation>
    </message>
    <message>
        <source>Résultats</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>Synthèse / Conclusion</source>
        <translation>Conclusion</translation>
    </message>
</context>
<context>
    <name>reporting.study</name>
    <message>
        <source>aucune image lue</source>
        <translation>no image read</translation>
    </message>
    <message>
        <source>nom absent des images</source>
        <translation>name missing from the images</translation>
    </message>
    <message>
        <source>nom différent dans les images</source>
        <translation>different name in the images</translation>
    </message>
    <message>
        <source>date de naissance différente dans les images</source>
        <translation>different birth date in the images</translation>
    </message>
    <message>
        <source>sexe différent dans les images</source>
        <translation>different sex in the images</translation>
    </message>
    <message>
        <source>nom de naissance, date de naissance et sexe des images identiques à la demande</source>
        <translation>birth name, birth date and sex in the images match the request</translation>
    </message>
</context>
</TS>
