<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="fr_FR">
<context>
    <name>Bindings</name>
    <message>
        <source>Outils du bouton gauche</source>
        <translation>Left-button tools</translation>
    </message>
    <message>
        <source>Coupes</source>
        <translation>Slices</translation>
    </message>
    <message>
        <source>Préréglages de fenêtre</source>
        <translation>Window presets</translation>
    </message>
    <message>
        <source>Affichage</source>
        <translation>Display</translation>
    </message>
    <message>
        <source>Mesures</source>
        <translation>Measurements</translation>
    </message>
    <message>
        <source>Disposition et reconstructions</source>
        <translation>Layout and reconstructions</translation>
    </message>
    <message>
        <source>Souris</source>
        <translation>Mouse</translation>
    </message>
    <message>
        <source>Lecture</source>
        <translation>Reading</translation>
    </message>
    <message>
        <source>Fenêtre automatique (histogramme)</source>
        <translation>Automatic window (histogram)</translation>
    </message>
    <message>
        <source>Première fenêtre de l&apos;en-tête DICOM</source>
        <translation>First window of the DICOM header</translation>
    </message>
    <message>
        <source>Deuxième fenêtre de l&apos;en-tête DICOM</source>
        <translation>Second window of the DICOM header</translation>
    </message>
    <message>
        <source>Scanner : {name} (C {centre:g} / L {width:g})</source>
        <translation>CT: {name} (C {centre:g} / W {width:g})</translation>
    </message>
    <message>
        <source>Coupe précédente</source>
        <translation>Previous slice</translation>
    </message>
    <message>
        <source>Coupe suivante</source>
        <translation>Next slice</translation>
    </message>
    <message>
        <source>Reculer d&apos;un dixième de la série</source>
        <translation>Back a tenth of the series</translation>
    </message>
    <message>
        <source>Avancer d&apos;un dixième de la série</source>
        <translation>Forward a tenth of the series</translation>
    </message>
    <message>
        <source>Première coupe</source>
        <translation>First slice</translation>
    </message>
    <message>
        <source>Dernière coupe</source>
        <translation>Last slice</translation>
    </message>
    <message>
        <source>Ciné : lecture / arrêt</source>
        <translation>Cine: play / stop</translation>
    </message>
    <message>
        <source>Inverser les niveaux de gris</source>
        <translation>Invert grey levels</translation>
    </message>
    <message>
        <source>Rotation d&apos;un quart de tour horaire</source>
        <translation>Rotate a quarter turn clockwise</translation>
    </message>
    <message>
        <source>Rotation d&apos;un quart de tour antihoraire</source>
        <translation>Rotate a quarter turn anticlockwise</translation>
    </message>
    <message>
        <source>Miroir horizontal</source>
        <translation>Flip horizontally</translation>
    </message>
    <message>
        <source>Miroir vertical</source>
        <translation>Flip vertically</translation>
    </message>
    <message>
        <source>Ajuster l&apos;image à la vue</source>
        <translation>Fit image to view</translation>
    </message>
    <message>
        <source>Un pixel de l&apos;image par pixel de l&apos;écran</source>
        <translation>One image pixel per screen pixel</translation>
    </message>
    <message>
        <source>Supprimer la mesure sélectionnée</source>
        <translation>Delete the selected measurement</translation>
    </message>
    <message>
        <source>Abandonner la mesure en cours de tracé</source>
        <translation>Abandon the measurement being drawn</translation>
    </message>
    <message>
        <source>Défilement synchronisé des séries du même repère</source>
        <translation>Synchronised scrolling of series in the same frame of reference</translation>
    </message>
    <message>
        <source>Reconstructions multiplanaires (MPR)</source>
        <translation>Multiplanar reconstructions (MPR)</translation>
    </message>
    <message>
        <source>Rendu volumique 3D</source>
        <translation>3D volume rendering</translation>
    </message>
    <message>
        <source>Bouton gauche</source>
        <translation>Left button</translation>
    </message>
    <message>
        <source>L&apos;outil choisi (défilement, fenêtrage, mesure…) ; saisir un point d&apos;une mesure pour la modifier</source>
        <translation>The chosen tool (scroll, windowing, measurement…); grab a point of a measurement to edit it</translation>
    </message>
    <message>
        <source>Bouton droit + glisser</source>
        <translation>Right button + drag</translation>
    </message>
    <message>
        <source>Fenêtrage : horizontal la largeur, vertical le niveau</source>
        <translation>Windowing: horizontal the width, vertical the level</translation>
    </message>
    <message>
        <source>Bouton du milieu + glisser</source>
        <translation>Middle button + drag</translation>
    </message>
    <message>
        <source>Déplacer l&apos;image</source>
        <translation>Move the image</translation>
    </message>
    <message>
        <source>Molette</source>
        <translation>Wheel</translation>
    </message>
    <message>
        <source>Coupe par coupe</source>
        <translation>Slice by slice</translation>
    </message>
    <message>
        <source>Ctrl + molette</source>
        <translation>Ctrl + wheel</translation>
    </message>
    <message>
        <source>Zoom autour du pointeur</source>
        <translation>Zoom around the pointer</translation>
    </message>
    <message>
        <source>Double-clic sur une vignette</source>
        <translation>Double-click on a thumbnail</translation>
    </message>
    <message>
        <source>Afficher la série dans la vue active</source>
        <translation>Show the series in the active view</translation>
    </message>
    <message>
        <source>Glisser une vignette sur une vue</source>
        <translation>Drag a thumbnail onto a view</translation>
    </message>
    <message>
        <source>Afficher la série dans cette vue</source>
        <translation>Show the series in this view</translation>
    </message>
    <message>
        <source>Raccourcis clavier et souris</source>
        <translation>Keyboard and mouse shortcuts</translation>
    </message>
</context>
<context>
    <name>CtPreset</name>
    <message>
        <source>Cerveau</source>
        <translation>Brain</translation>
    </message>
    <message>
        <source>Sous-dural</source>
        <translation>Subdural</translation>
    </message>
    <message>
        <source>AVC</source>
        <translation>Stroke</translation>
    </message>
    <message>
        <source>Poumon</source>
        <translation>Lung</translation>
    </message>
    <message>
        <source>Médiastin</source>
        <translation>Mediastinum</translation>
    </message>
    <message>
        <source>Os</source>
        <translation>Bone</translation>
    </message>
    <message>
        <source>Abdomen</source>
        <translation>Abdomen</translation>
    </message>
    <message>
        <source>Foie</source>
        <translation>Liver</translation>
    </message>
</context>
<context>
    <name>FileProblem</name>
    <message>
        <source>ignoré : ce n&apos;est pas un fichier DICOM.</source>
        <translation>ignored: not a DICOM file.</translation>
    </message>
    <message>
        <source>valeur DICOM invalide pour {keyword} (« {value} »).</source>
        <translation>invalid DICOM value for {keyword} (“{value}”).</translation>
    </message>
    <message>
        <source>impossible de lire le fichier (droits, disque ou fichier déplacé).</source>
        <translation>the file cannot be read (permissions, disk or file moved).</translation>
    </message>
    <message>
        <source>fichier DICOM corrompu : son en-tête ne peut pas être lu.</source>
        <translation>corrupt DICOM file: its header cannot be read.</translation>
    </message>
    <message>
        <source>lame de microscopie numérisée (WSI) : non affichée par cette visionneuse (mosaïque de tuiles sans géométrie ni échelle utilisables).</source>
        <translation>whole-slide microscopy image (WSI): not displayed by this viewer (tiled mosaic without usable geometry or scale).</translation>
    </message>
    <message>
        <source>tracé (ECG ou autre signal) : non affiché par cette visionneuse ({name}).</source>
        <translation>waveform (ECG or other signal): not displayed by this viewer ({name}).</translation>
    </message>
    <message>
        <source>fichier DICOM vide : aucun attribut lisible après l&apos;en-tête (fichier tronqué ?).</source>
        <translation>empty DICOM file: no readable attribute after the header (truncated file?).</translation>
    </message>
    <message>
        <source>classe SOP absente</source>
        <translation>SOP class missing</translation>
    </message>
    <message>
        <source>image sans données de pixels (en-tête seul), rien à afficher.</source>
        <translation>image without pixel data (header only), nothing to display.</translation>
    </message>
    <message>
        <source>ignoré : document sans image ({name}).</source>
        <translation>ignored: document without an image ({name}).</translation>
    </message>
    <message>
        <source>pixels en virgule flottante non pris en charge.</source>
        <translation>floating-point pixels are not supported.</translation>
    </message>
    <message>
        <source>syntaxe de transfert non prise en charge : {name} ({uid}).</source>
        <translation>unsupported transfer syntax: {name} ({uid}).</translation>
    </message>
    <message>
        <source>fichier DICOM corrompu : données de pixels incohérentes avec la syntaxe de transfert.</source>
        <translation>corrupt DICOM file: pixel data inconsistent with the transfer syntax.</translation>
    </message>
    <message>
        <source>fichier tronqué : les données de l&apos;image sont incomplètes.</source>
        <translation>truncated file: the image data is incomplete.</translation>
    </message>
    <message>
        <source>attribut DICOM obligatoire absent : {keywords}.</source>
        <translation>mandatory DICOM attribute missing: {keywords}.</translation>
    </message>
    <message>
        <source>format de pixels non pris en charge ou incohérent.</source>
        <translation>unsupported or inconsistent pixel format.</translation>
    </message>
    <message>
        <source>image illisible : décodage arrêté au bout de {seconds} s (données compressées probablement endommagées).</source>
        <translation>unreadable image: decoding stopped after {seconds} s (compressed data probably damaged).</translation>
    </message>
    <message>
        <source>image illisible : données compressées endommagées ou non conformes.</source>
        <translation>unreadable image: compressed data damaged or non-conformant.</translation>
    </message>
</context>
<context>
    <name>HangingProtocol</name>
    <message>
        <source>TDM crâne avec antérieur</source>
        <translation>CT head with prior</translation>
    </message>
    <message>
        <source>Cerveau</source>
        <translation>Brain</translation>
    </message>
    <message>
        <source>Sous-dural</source>
        <translation>Subdural</translation>
    </message>
    <message>
        <source>Os</source>
        <translation>Bone</translation>
    </message>
    <message>
        <source>TDM crâne</source>
        <translation>CT head</translation>
    </message>
    <message>
        <source>TDM thorax avec antérieur scanner</source>
        <translation>CT chest with prior CT</translation>
    </message>
    <message>
        <source>Poumon</source>
        <translation>Lung</translation>
    </message>
    <message>
        <source>Médiastin</source>
        <translation>Mediastinum</translation>
    </message>
    <message>
        <source>TDM thorax-abdomen-pelvis</source>
        <translation>CT chest-abdomen-pelvis</translation>
    </message>
    <message>
        <source>Abdomen et poumon</source>
        <translation>Abdomen and lung</translation>
    </message>
    <message>
        <source>Médiastin et os</source>
        <translation>Mediastinum and bone</translation>
    </message>
    <message>
        <source>TDM thorax-abdomen-pelvis avec radiographie antérieure</source>
        <translation>CT chest-abdomen-pelvis with prior radiograph</translation>
    </message>
    <message>
        <source>Poumon et radiographie</source>
        <translation>Lung and radiograph</translation>
    </message>
    <message>
        <source>TDM rachis</source>
        <translation>CT spine</translation>
    </message>
    <message>
        <source>Parties molles</source>
        <translation>Soft tissue</translation>
    </message>
    <message>
        <source>Radiographie thorax avec antérieur</source>
        <translation>Chest radiograph with prior</translation>
    </message>
    <message>
        <source>Face</source>
        <translation>Frontal</translation>
    </message>
    <message>
        <source>IRM encéphale</source>
        <translation>MRI brain</translation>
    </message>
    <message>
        <source>Axial</source>
        <translation>Axial</translation>
    </message>
    <message>
        <source>Toutes séquences</source>
        <translation>All sequences</translation>
    </message>
</context>
<context>
    <name>Linking</name>
    <message>
        <source>série sans position dans le patient</source>
        <translation>series without a position in the patient</translation>
    </message>
    <message>
        <source>plans de coupe différents (non parallèles)</source>
        <translation>different slice planes (not parallel)</translation>
    </message>
    <message>
        <source>repères différents : alignez un repère anatomique puis liez</source>
        <translation>different frames of reference: align an anatomical landmark, then link</translation>
    </message>
</context>
<context>
    <name>NotAVolume</name>
    <message>
        <source>il faut une pile de plusieurs coupes en niveaux de gris avec une position et une orientation dans le patient</source>
        <translation>a stack of several greyscale slices with a position and an orientation in the patient is needed</translation>
    </message>
    <message>
        <source>plusieurs coupes occupent la même position (phases ou échos mêlés) : aucun volume ne peut en être formé</source>
        <translation>several slices share the same position (mixed phases or echoes): no volume can be built from them</translation>
    </message>
    <message>
        <source>le volume corrigé serait trop grand pour la mémoire</source>
        <translation>the corrected volume would be too large for the memory</translation>
    </message>
    <message>
        <source>les images en couleur ne forment pas un volume</source>
        <translation>colour images do not form a volume</translation>
    </message>
    <message>
        <source>pas de plan {plane} dans cette pile</source>
        <translation>no {plane} plane in this stack</translation>
    </message>
    <message>
        <source>géométrie inutilisable</source>
        <translation>unusable geometry</translation>
    </message>
</context>
<context>
    <name>NotRenderable</name>
    <message>
        <source>il faut une pile complète de coupes en niveaux de gris</source>
        <translation>a complete stack of greyscale slices is needed</translation>
    </message>
</context>
<context>
    <name>Orientation</name>
    <message>
        <source>D</source>
        <translation>R</translation>
    </message>
    <message>
        <source>G</source>
        <translation>L</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>P</source>
        <translation>P</translation>
    </message>
    <message>
        <source>B</source>
        <translation>F</translation>
    </message>
    <message>
        <source>H</source>
        <translation>H</translation>
    </message>
</context>
<context>
    <name>Plane</name>
    <message>
        <source>oblique</source>
        <translation>oblique</translation>
    </message>
    <message>
        <source>sagittale</source>
        <translation>sagittal</translation>
    </message>
    <message>
        <source>coronale</source>
        <translation>coronal</translation>
    </message>
    <message>
        <source>axiale</source>
        <translation>axial</translation>
    </message>
</context>
<context>
    <name>PresentationLayer</name>
    <message>
        <source>état de présentation</source>
        <translation>presentation state</translation>
    </message>
    <message>
        <source>GSPS : {label}</source>
        <translation>GSPS: {label}</translation>
    </message>
    <message>
        <source> (en partie non affiché)</source>
        <translation> (partly not displayed)</translation>
    </message>
</context>
<context>
    <name>SeriesWarning</name>
    <message>
        <source>La série contient des images d&apos;orientations différentes ({planes}) : elle a été scindée en {count} piles distinctes.</source>
        <translation>The series contains images of different orientations ({planes}): it was split into {count} separate stacks.</translation>
    </message>
    <message>
        <source>La série contient des images de tailles ou d&apos;échantillonnages différents : elle a été scindée en {count} piles distinctes.</source>
        <translation>The series contains images of different sizes or samplings: it was split into {count} separate stacks.</translation>
    </message>
    <message>
        <source>{integer},{fraction}</source>
        <extracomment>the decimal comma of the numbers in the warnings (a point in English)</extracomment>
        <translation>{integer}.{fraction}</translation>
    </message>
    <message>
        <source>entre {low} et {high} mm</source>
        <translation>between {low} and {high} mm</translation>
    </message>
    <message>
        <source>{count} coupe(s) occupent la même position qu&apos;une autre : la pile n&apos;est pas un volume régulier (phases ou échos mêlés ?) ; MPR et 3D indisponibles.</source>
        <translation>{count} slice(s) share the position of another: the stack is not a regular volume (mixed phases or echoes?); MPR and 3D unavailable.</translation>
    </message>
    <message>
        <source>Coupe(s) manquante(s) : {count} coupe(s) absente(s) ({where}{more}) dans une pile régulière de {spacing} mm.</source>
        <translation>Missing slice(s): {count} slice(s) absent ({where}{more}) in a regular stack with {spacing} mm spacing.</translation>
    </message>
    <message>
        <source>Espacement variable entre les coupes : de {low} à {high} mm ({changes} changement(s) d&apos;espacement).</source>
        <translation>Variable spacing between slices: from {low} to {high} mm ({changes} spacing change(s)).</translation>
    </message>
    <message>
        <source>Espacement variable entre les coupes : de {low} à {high} mm ({changes} changement(s) d&apos;espacement, aucune coupe manquante pour autant).</source>
        <translation>Variable spacing between slices: from {low} to {high} mm ({changes} spacing change(s), but no slice missing).</translation>
    </message>
    <message>
        <source>Inclinaison du statif (gantry tilt) de {angle}° : MPR et 3D sont corrigés de l&apos;inclinaison ; les coupes d&apos;origine sont affichées telles qu&apos;acquises.</source>
        <translation>Gantry tilt of {angle}°: MPR and 3D are corrected for the tilt; the original slices are shown as acquired.</translation>
    </message>
    <message>
        <source>Series Instance UID absent : images regroupées par défaut.</source>
        <translation>Series Instance UID missing: images grouped by default.</translation>
    </message>
    <message>
        <source>Compression avec perte</source>
        <translation>Lossy compression</translation>
    </message>
    <message>
        <source>Compression peut-être avec perte (syntaxe le permettant, sans indication dans l&apos;en-tête)</source>
        <translation>Possibly lossy compression (the transfer syntax allows it, the header does not say)</translation>
    </message>
    <message>
        <source>toutes les images</source>
        <translation>all images</translation>
    </message>
    <message>
        <source>{count} image(s) sur {total}</source>
        <translation>{count} image(s) out of {total}</translation>
    </message>
    <message>
        <source>{head}{details} : {share}. La qualité diagnostique peut être réduite.</source>
        <translation>{head}{details}: {share}. Diagnostic quality may be reduced.</translation>
    </message>
    <message>
        <source>Table de modalité (Modality LUT Sequence) non appliquée : valeurs affichées brutes.</source>
        <translation>Modality LUT Sequence not applied: raw values displayed.</translation>
    </message>
    <message>
        <source>Syntaxe de transfert erronée dans le fichier ({declared}) : les pixels sont en {found} et ont été lus comme tels.</source>
        <translation>Wrong transfer syntax in the file ({declared}): the pixels are in {found} and were read as such.</translation>
    </message>
    <message>
        <source>Interprétation photométrique absente : images lues en {assumed} (vérifier que le blanc et le noir ne sont pas inversés).</source>
        <translation>Photometric interpretation missing: images read as {assumed} (check that black and white are not inverted).</translation>
    </message>
    <message>
        <source>ImageOrientationPatient invalide : images traitées sans géométrie.</source>
        <translation>Invalid ImageOrientationPatient: images handled without geometry.</translation>
    </message>
    <message>
        <source>RescaleSlope nulle ignorée (remplacée par 1).</source>
        <translation>Zero RescaleSlope ignored (replaced by 1).</translation>
    </message>
    <message>
        <source>{count} coupe(s) lue(s) par le décodeur de secours (python-gdcm) après l&apos;échec du décodeur habituel : données peut-être endommagées, vérifier leur aspect : {slices}.</source>
        <translation>{count} slice(s) read by the fallback decoder (python-gdcm) after the usual decoder failed: data possibly damaged, check how they look: {slices}.</translation>
    </message>
    <message>
        <source>{count} coupe(s) sur {total} n&apos;ont pas pu être décodées (affichées vides) : {slices}.</source>
        <translation>{count} slice(s) out of {total} could not be decoded (shown blank): {slices}.</translation>
    </message>
</context>
<context>
    <name>SlabMode</name>
    <message>
        <source>coupe fine</source>
        <translation>thin slice</translation>
    </message>
    <message>
        <source>moyenne</source>
        <translation>average</translation>
    </message>
</context>
<context>
    <name>StudyLink</name>
    <message>
        <source>Aucune série en coupes à lier des deux côtés.</source>
        <translation>No sliced series to link on both sides.</translation>
    </message>
    <message>
        <source>Liaison impossible : {reason}.</source>
        <translation>Cannot link: {reason}.</translation>
    </message>
    <message>
        <source>séries non comparables</source>
        <translation>series not comparable</translation>
    </message>
    <message>
        <source>Repères différents : alignez un repère puis liez (Shift+L)</source>
        <translation>Different frames of reference: align a landmark, then link (Shift+L)</translation>
    </message>
    <message>
        <source>⇆ Hors de la zone couverte ({distance} mm de la coupe la plus proche)</source>
        <translation>⇆ Outside the covered range ({distance} mm from the nearest slice)</translation>
    </message>
    <message>
        <source>l&apos;antérieur</source>
        <translation>the prior</translation>
    </message>
    <message>
        <source>l&apos;examen du jour</source>
        <translation>today&apos;s study</translation>
    </message>
    <message>
        <source>⇆ Lié à {side} (même repère)</source>
        <translation>⇆ Linked to {side} (same frame of reference)</translation>
    </message>
    <message>
        <source>⇆ Lié à {side} (décalage {offset} mm)</source>
        <translation>⇆ Linked to {side} (offset {offset} mm)</translation>
    </message>
    <message>
        <source>fenêtre</source>
        <translation>window</translation>
    </message>
    <message>
        <source>zoom</source>
        <translation>zoom</translation>
    </message>
</context>
<context>
    <name>Tg18Window</name>
    <message>
        <source>écran calibré (GSDF)</source>
        <translation>calibrated screen (GSDF)</translation>
    </message>
    <message>
        <source>écran non calibré</source>
        <translation>uncalibrated screen</translation>
    </message>
    <message>
        <source>{pattern} — {state} — ← → changer, H masquer, Échap fermer</source>
        <translation>{pattern} — {state} — ← → change, H hide, Esc close</translation>
    </message>
    <message>
        <source>calibré GSDF</source>
        <translation>GSDF calibrated</translation>
    </message>
    <message>
        <source>non calibré</source>
        <translation>not calibrated</translation>
    </message>
</context>
<context>
    <name>Unit</name>
    <message>
        <source>UH</source>
        <translation>HU</translation>
    </message>
    <message>
        <source>(valeur)</source>
        <translation>(value)</translation>
    </message>
</context>
<context>
    <name>ViewerMain</name>
    <message>
        <source>Visionneuse — téléradiologie</source>
        <translation>Viewer — teleradiology</translation>
    </message>
</context>
<context>
    <name>ViewerTexts</name>
    <message>
        <source>{plane} oblique {angle}°</source>
        <translation>{plane} oblique {angle}°</translation>
    </message>
    <message>
        <source>{series} — MPR {plane}</source>
        <translation>{series} — MPR {plane}</translation>
    </message>
    <message>
        <source>Série</source>
        <translation>Series</translation>
    </message>
    <message>
        <source>Série {number}</source>
        <translation>Series {number}</translation>
    </message>
    <message>
        <source>{label} : {message}</source>
        <translation>{label}: {message}</translation>
    </message>
    <message>
        <source>{file} (image {number})</source>
        <translation>{file} (image {number})</translation>
    </message>
    <message>
        <source>{name} — C {centre} / L {width}</source>
        <translation>{name} — C {centre} / W {width}</translation>
    </message>
    <message>
        <source>Moy. {mean} {unit}  ÉT {sd}
Min {minimum}  Max {maximum}
Surf. {area} {area_unit}</source>
        <translation>Mean {mean} {unit}  SD {sd}
Min {minimum}  Max {maximum}
Area {area} {area_unit}</translation>
    </message>
</context>
<context>
    <name>ViewerWidget</name>
    <message>
        <source>Défilement</source>
        <translation>Scroll</translation>
    </message>
    <message>
        <source>Fenêtrage</source>
        <translation>Window/Level</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Déplacement</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>Longueur</source>
        <translation>Length</translation>
    </message>
    <message>
        <source>Angle</source>
        <translation>Angle</translation>
    </message>
    <message>
        <source>Cobb</source>
        <translation>Cobb</translation>
    </message>
    <message>
        <source>Ellipse</source>
        <translation>Ellipse</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>Rectangle</translation>
    </message>
    <message>
        <source>Main levée</source>
        <translation>Freehand</translation>
    </message>
    <message>
        <source>Réticule</source>
        <translation>Crosshair</translation>
    </message>
    <message>
        <source>Loupe</source>
        <translation>Magnifier</translation>
    </message>
    <message>
        <source>Outils de lecture</source>
        <translation>Reading tools</translation>
    </message>
    <message>
        <source>Affichage</source>
        <translation>Display</translation>
    </message>
    <message numerus="yes">
        <source>{series}
{modality}, %n image(s)
Double-clic ou glisser vers une vue pour l&apos;afficher.</source>
        <translation>
            <numerusform>{series}
{modality}, %n image
Double-click or drag to a view to display it.</numerusform>
            <numerusform>{series}
{modality}, %n images
Double-click or drag to a view to display it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n fichier(s) non affiché(s) :</source>
        <translation>
            <numerusform>%n file not displayed:</numerusform>
            <numerusform>%n files not displayed:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  … et %n autre(s) (voir l&apos;infobulle)</source>
        <translation>
            <numerusform>  … and %n more (see the tooltip)</numerusform>
            <numerusform>  … and %n more (see the tooltip)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>⚠ … et %n autre(s) avertissement(s) (voir l&apos;infobulle)</source>
        <translation>
            <numerusform>⚠ … and %n more warning (see the tooltip)</numerusform>
            <numerusform>⚠ … and %n more warnings (see the tooltip)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) sans image joint(s) à l&apos;examen, non affiché(s) comme série :</source>
        <translation>
            <numerusform>%n document without image attached to the exam, not shown as a series:</numerusform>
            <numerusform>%n documents without image attached to the exam, not shown as a series:</numerusform>
        </translation>
    </message>
    <message>
        <source>Outil : {tool}</source>
        <translation>Tool: {tool}</translation>
    </message>
    <message>
        <source>Fenêtres</source>
        <translation>W/L presets</translation>
    </message>
    <message>
        <source>Préréglages de fenêtre (0 auto, 1-2 en-tête DICOM, 3-9 scanner)</source>
        <translation>Window presets (0 auto, 1-2 DICOM header, 3-9 CT)</translation>
    </message>
    <message>
        <source>Automatique (0)</source>
        <translation>Automatic (0)</translation>
    </message>
    <message>
        <source>En-tête DICOM 1 (1)</source>
        <translation>DICOM header 1 (1)</translation>
    </message>
    <message>
        <source>En-tête DICOM 2 (2)</source>
        <translation>DICOM header 2 (2)</translation>
    </message>
    <message>
        <source>Inverser</source>
        <translation>Invert</translation>
    </message>
    <message>
        <source>Inverser les niveaux de gris (I)</source>
        <translation>Invert the grey levels (I)</translation>
    </message>
    <message>
        <source>Rotation horaire (R ; Maj+R antihoraire)</source>
        <translation>Rotate clockwise (R; Shift+R anticlockwise)</translation>
    </message>
    <message>
        <source>Miroir horizontal (H)</source>
        <translation>Flip horizontally (H)</translation>
    </message>
    <message>
        <source>Miroir vertical (V)</source>
        <translation>Flip vertically (V)</translation>
    </message>
    <message>
        <source>Ajuster</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>Ajuster à la fenêtre (F)</source>
        <translation>Fit to the view (F)</translation>
    </message>
    <message>
        <source>Un pixel de l&apos;image par pixel de l&apos;écran (N)</source>
        <translation>One image pixel per screen pixel (N)</translation>
    </message>
    <message>
        <source>Réinit.</source>
        <translation>Reset</translation>
    </message>
    <message>
        <source>Réinitialiser la vue</source>
        <translation>Reset the view</translation>
    </message>
    <message>
        <source>Ciné</source>
        <translation>Cine</translation>
    </message>
    <message>
        <source>Lecture ciné (Espace)</source>
        <translation>Cine loop (Space)</translation>
    </message>
    <message>
        <source>Disposition {layout}</source>
        <translation>Layout {layout}</translation>
    </message>
    <message>
        <source>Synchro</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>Défilement synchronisé des séries du même repère</source>
        <translation>Synchronised scrolling of the series sharing a frame of reference</translation>
    </message>
    <message>
        <source>Reconstructions multiplanaires axiale, coronale, sagittale</source>
        <translation>Multiplanar reformats: axial, coronal, sagittal</translation>
    </message>
    <message>
        <source>Rendu volumique 3D dans la quatrième vue des reconstructions</source>
        <translation>3D volume rendering in the fourth view of the reformats</translation>
    </message>
    <message>
        <source>Mode de coupe épaisse des reconstructions</source>
        <translation>Slab mode of the reformats</translation>
    </message>
    <message>
        <source>Épaisseur de la coupe épaisse (mm)</source>
        <translation>Slab thickness (mm)</translation>
    </message>
    <message>
        <source>MPR oblique : rotation des plans coronal et sagittal autour de l&apos;axe de l&apos;axial, au centre du réticule (°)</source>
        <translation>Oblique MPR: rotation of the coronal and sagittal planes about the axial axis, through the crosshair centre (°)</translation>
    </message>
    <message>
        <source>Aucune série affichée.</source>
        <translation>No series displayed.</translation>
    </message>
    <message>
        <source>La série est encore en cours de chargement : MPR disponible à la fin.</source>
        <translation>The series is still loading: MPR will be available once it has loaded.</translation>
    </message>
    <message>
        <source>Reconstruction impossible : {reason}.</source>
        <translation>Reformat not possible: {reason}.</translation>
    </message>
    <message>
        <source>Volume MPR/3D : coupes d&apos;origine, grille régulière de {step} mm.</source>
        <translation>MPR/3D volume: original slices, regular {step} mm grid.</translation>
    </message>
    <message>
        <source>Volume MPR/3D reconstruit d&apos;après la position de chaque coupe : {marks} (grille {rows} x {columns} x {planes}).</source>
        <translation>MPR/3D volume rebuilt from the position of each slice: {marks} ({rows} x {columns} x {planes} grid).</translation>
    </message>
    <message>
        <source>MPR : {message}</source>
        <translation>MPR: {message}</translation>
    </message>
    <message>
        <source>nom absent</source>
        <translation>no name</translation>
    </message>
    <message>
        <source>né(e) le {date}</source>
        <translation>born {date}</translation>
    </message>
    <message>
        <source>ID {id}</source>
        <translation>ID {id}</translation>
    </message>
    <message>
        <source>{identity} (d&apos;après les en-têtes DICOM)</source>
        <translation>{identity} (from the DICOM headers)</translation>
    </message>
    <message>
        <source>⚠ Plusieurs patients dans ces fichiers : {identities}</source>
        <translation>⚠ Several patients in these files: {identities}</translation>
    </message>
</context>
<context>
    <name>Viewport</name>
    <message>
        <source>Glissez une série ici</source>
        <translation>Drag a series here</translation>
    </message>
    <message>
        <source>image illisible</source>
        <translation>unreadable image</translation>
    </message>
    <message>
        <source>chargement…</source>
        <translation>loading…</translation>
    </message>
    <message>
        <source>Patient non identifié</source>
        <translation>Unidentified patient</translation>
    </message>
    <message>
        <source>Examen du {date}</source>
        <translation>Study of {date}</translation>
    </message>
    <message>
        <source>Image {number}/{count}</source>
        <translation>Image {number}/{count}</translation>
    </message>
    <message>
        <source>Pos. {position} mm</source>
        <translation>Pos. {position} mm</translation>
    </message>
    <message>
        <source>Ép. {thickness} mm</source>
        <translation>Thick. {thickness} mm</translation>
    </message>
    <message>
        <source>Fenêtre LUT VOI</source>
        <translation>Window VOI LUT</translation>
    </message>
    <message>
        <source>Fenêtre C {centre} / L {width}</source>
        <translation>Window C {centre} / W {width}</translation>
    </message>
    <message>
        <source> — inversé</source>
        <translation> — inverted</translation>
    </message>
    <message>
        <source>Zoom {percent} %</source>
        <translation>Zoom {percent}%</translation>
    </message>
    <message>
        <source>Ciné {rate} im/s</source>
        <translation>Cine {rate} fps</translation>
    </message>
    <message>
        <source>Image compressée avec perte</source>
        <translation>Lossy compressed image</translation>
    </message>
    <message>
        <source>({column}, {row}) : RVB {rgb}</source>
        <translation>({column}, {row}): RGB {rgb}</translation>
    </message>
    <message>
        <source>({column}, {row}) : {value}</source>
        <translation>({column}, {row}): {value}</translation>
    </message>
</context>
<context>
    <name>VolumeMark</name>
    <message>
        <source>rééchantillonné au pas de {step} mm</source>
        <translation>resampled at {step} mm</translation>
    </message>
    <message>
        <source>corrigé de l&apos;inclinaison de {angle}°</source>
        <translation>corrected for the {angle}° tilt</translation>
    </message>
    <message>
        <source>coupes recalées dans leur plan</source>
        <translation>slices registered in their plane</translation>
    </message>
</context>
<context>
    <name>VolumePreset</name>
    <message>
        <source>Os</source>
        <translation>Bone</translation>
    </message>
    <message>
        <source>Tissus mous</source>
        <translation>Soft tissue</translation>
    </message>
    <message>
        <source>Vaisseaux (injecté)</source>
        <translation>Vessels (contrast)</translation>
    </message>
    <message>
        <source>Peau</source>
        <translation>Skin</translation>
    </message>
</context>
<context>
    <name>VolumeView</name>
    <message>
        <source>Préréglage du rendu volumique</source>
        <translation>Volume rendering preset</translation>
    </message>
    <message>
        <source>Rendu 3D impossible : {reason}.</source>
        <translation>3D rendering not possible: {reason}.</translation>
    </message>
</context>
<context>
    <name>viewer.codecs</name>
    <message>
        <source>numpy (non compressé)</source>
        <translation>numpy (uncompressed)</translation>
    </message>
    <message>
        <source>pydicom (jeu de données complet)</source>
        <translation>pydicom (whole dataset)</translation>
    </message>
    <message>
        <source>python-gdcm (secours)</source>
        <translation>python-gdcm (fallback)</translation>
    </message>
</context>
</TS>
