<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="fr_FR">
<context>
    <name>Ack</name>
    <message>
        <source>Message accepté</source>
        <translation>Message accepted</translation>
    </message>
    <message>
        <source>Message refusé : erreur dans le message</source>
        <translation>Message refused: error in the message</translation>
    </message>
    <message>
        <source>Message rejeté : à renvoyer plus tard</source>
        <translation>Message rejected: to be sent again later</translation>
    </message>
    <message>
        <source>{message} ({where})</source>
        <translation>{message} ({where})</translation>
    </message>
    <message>
        <source>{message} : {reason}</source>
        <translation>{message}: {reason}</translation>
    </message>
</context>
<context>
    <name>AnnouncementDialog</name>
    <message>
        <source>Annonce d&apos;un pronostic grave</source>
        <translation>Announcement of a poor prognosis</translation>
    </message>
    <message>
        <source>Procédure d&apos;annonce convenue avec le site demandeur</source>
        <translation>Announcement procedure agreed with the requesting site</translation>
    </message>
    <message>
        <source>&amp;Demandeur informé</source>
        <translation>&amp;Requester informed</translation>
    </message>
    <message>
        <source>&amp;Moyen</source>
        <translation>&amp;Means</translation>
    </message>
    <message>
        <source>&amp;Le</source>
        <translation>&amp;On</translation>
    </message>
    <message>
        <source>&amp;Procédure convenue</source>
        <translation>&amp;Agreed procedure</translation>
    </message>
    <message>
        <source>&amp;Précision</source>
        <translation>&amp;Details</translation>
    </message>
    <message>
        <source>Le radiologue n&apos;annonce pas lui-même un diagnostic grave au patient à distance : il en informe le demandeur selon la procédure convenue avec lui. Ce qui est saisi ici est écrit dans la conclusion du compte rendu et tracé au journal d&apos;audit à la signature.</source>
        <translation>The radiologist does not announce a serious diagnosis to the patient remotely: they inform the requester according to the procedure agreed with them. What is entered here is written in the report&apos;s conclusion and recorded in the audit journal at signing.</translation>
    </message>
</context>
<context>
    <name>AnswerExpertiseDialog</name>
    <message>
        <source>Répondre à une demande d&apos;avis (téléexpertise)</source>
        <translation>Answer an opinion request (tele-expertise)</translation>
    </message>
    <message>
        <source>Disponibilité des images : non vérifiée</source>
        <translation>Image availability: not checked</translation>
    </message>
    <message>
        <source>Vérifier les images sur la plateforme</source>
        <translation>Check the images on the platform</translation>
    </message>
    <message>
        <source>Examen de la demande</source>
        <translation>Study of the request</translation>
    </message>
    <message>
        <source>Examen joint</source>
        <translation>Attached study</translation>
    </message>
    <message>
        <source>Afficher les images</source>
        <translation>Show the images</translation>
    </message>
    <message>
        <source>Vérifications avant de répondre</source>
        <translation>Checks before answering</translation>
    </message>
    <message>
        <source>Analyse des images</source>
        <translation>Image analysis</translation>
    </message>
    <message>
        <source>Votre avis, en réponse à la question</source>
        <translation>Your opinion, answering the question</translation>
    </message>
    <message>
        <source>Signer et envoyer l&apos;avis</source>
        <translation>Sign and send the opinion</translation>
    </message>
    <message>
        <source>Expertise impossible…</source>
        <translation>Expertise not possible…</translation>
    </message>
    <message>
        <source>Noter une communication urgente…</source>
        <translation>Record an urgent communication…</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Analyse</source>
        <translation>Analysis</translation>
    </message>
    <message>
        <source>Avis de l&apos;expert</source>
        <translation>Expert&apos;s opinion</translation>
    </message>
    <message>
        <source>examen {n} : {series} série(s), {images} image(s)</source>
        <translation>study {n}: {series} series, {images} image(s)</translation>
    </message>
    <message>
        <source>Images disponibles — </source>
        <translation>Images available — </translation>
    </message>
    <message>
        <source>Images manquantes — </source>
        <translation>Images missing — </translation>
    </message>
    <message>
        <source>Images non vérifiables.</source>
        <translation>Images cannot be checked.</translation>
    </message>
    <message>
        <source>Récupération des images…</source>
        <translation>Retrieving the images…</translation>
    </message>
    <message>
        <source>Images de la demande {id}</source>
        <translation>Images of request {id}</translation>
    </message>
    <message>
        <source>Les images n&apos;ont pas pu être récupérées.</source>
        <translation>The images could not be retrieved.</translation>
    </message>
    <message>
        <source>Signature de l&apos;avis</source>
        <translation>Signing the opinion</translation>
    </message>
    <message>
        <source>Patient : {patient}
Demande : {request}

Confirmez votre signature par votre mot de passe :</source>
        <translation>Patient: {patient}
Request: {request}

Confirm your signature with your password:</translation>
    </message>
    <message>
        <source>Signer et envoyer l&apos;avis ?

Patient : {patient}
Demande : {request}</source>
        <translation>Sign and send the opinion?

Patient: {patient}
Request: {request}</translation>
    </message>
    <message>
        <source>Mot de passe incorrect : l&apos;avis n&apos;est pas signé.</source>
        <translation>Wrong password: the opinion is not signed.</translation>
    </message>
    <message>
        <source>La signature de l&apos;avis a échoué.</source>
        <translation>Signing the opinion failed.</translation>
    </message>
    <message>
        <source>Expertise impossible</source>
        <translation>Expertise not possible</translation>
    </message>
    <message>
        <source>Expliquez au demandeur ce qui manque</source>
        <translation>Explain to the requester what is missing</translation>
    </message>
    <message>
        <source>La réponse n&apos;a pas pu être envoyée.</source>
        <translation>The answer could not be sent.</translation>
    </message>
    <message>
        <source>Communication d&apos;un résultat urgent</source>
        <translation>Communication of an urgent result</translation>
    </message>
    <message>
        <source>téléphone</source>
        <translation>telephone</translation>
    </message>
    <message>
        <source>visioconférence</source>
        <translation>video call</translation>
    </message>
    <message>
        <source>de vive voix</source>
        <translation>in person</translation>
    </message>
    <message>
        <source>À qui</source>
        <translation>To whom</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>How</translation>
    </message>
    <message>
        <source>Quand</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Ce qui a été dit</source>
        <translation>What was said</translation>
    </message>
    <message>
        <source>Communication urgente enregistrée.</source>
        <translation>Urgent communication recorded.</translation>
    </message>
    <message>
        <source>La communication n&apos;a pas pu être enregistrée.</source>
        <translation>The communication could not be recorded.</translation>
    </message>
</context>
<context>
    <name>AskExpertiseDialog</name>
    <message>
        <source>Demander un avis (téléexpertise)</source>
        <translation>Request an opinion (tele-expertise)</translation>
    </message>
    <message>
        <source>Expert nommé</source>
        <translation>Named expert</translation>
    </message>
    <message>
        <source>Groupe de spécialité</source>
        <translation>Specialty group</translation>
    </message>
    <message>
        <source>La question posée à l&apos;expert</source>
        <translation>The question put to the expert</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>Le patient a été informé de la demande de téléexpertise</source>
        <translation>The patient has been informed of the tele-expertise request</translation>
    </message>
    <message>
        <source>Le patient a donné son consentement</source>
        <translation>The patient has given consent</translation>
    </message>
    <message>
        <source>Comment (oral, par le site, personne de confiance…)</source>
        <translation>How (orally, through the site, trusted person…)</translation>
    </message>
    <message>
        <source>Information et consentement du patient (obligatoires)</source>
        <translation>Patient information and consent (required)</translation>
    </message>
    <message>
        <source>Destinataire</source>
        <translation>Addressee</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Éléments cliniques</source>
        <translation>Clinical information</translation>
    </message>
    <message>
        <source>Examens joints</source>
        <translation>Attached studies</translation>
    </message>
    <message>
        <source>Envoyer la demande</source>
        <translation>Send the request</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>la question</source>
        <translation>the question</translation>
    </message>
    <message>
        <source>au moins un examen joint</source>
        <translation>at least one attached study</translation>
    </message>
    <message>
        <source>le destinataire</source>
        <translation>the addressee</translation>
    </message>
    <message>
        <source>l&apos;information et le consentement du patient</source>
        <translation>the patient&apos;s information and consent</translation>
    </message>
    <message>
        <source>À compléter : {missing}.</source>
        <translation>To complete: {missing}.</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>Le journal d&apos;audit est altéré (enregistrement 0).</source>
        <translation>The audit log has been tampered with (record 0).</translation>
    </message>
    <message>
        <source>La plateforme a accusé réception d&apos;un autre état du journal d&apos;audit que celui envoyé.</source>
        <translation>The platform acknowledged a different state of the audit log from the one sent.</translation>
    </message>
    <message>
        <source>Le journal d&apos;audit du poste ne correspond plus à ce que la plateforme a reçu : il a été modifié ou tronqué après son envoi. Une alerte de sécurité est nécessaire.</source>
        <translation>This workstation&apos;s audit log no longer matches what the platform received: it was altered or truncated after it was sent. A security alert is required.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable : le journal d&apos;audit sera envoyé plus tard.</source>
        <translation>The platform cannot be reached: the audit log will be sent later.</translation>
    </message>
    <message>
        <source>Session expirée : le journal d&apos;audit sera envoyé après la prochaine connexion.</source>
        <translation>Session expired: the audit log will be sent after the next login.</translation>
    </message>
    <message>
        <source>Connexion sécurisée à la plateforme refusée (certificat) : le journal d&apos;audit n&apos;est pas envoyé.</source>
        <translation>Secure connection to the platform refused (certificate): the audit log has not been sent.</translation>
    </message>
    <message>
        <source>La plateforme a refusé le journal d&apos;audit du poste (erreur de protocole).</source>
        <translation>The platform refused this workstation&apos;s audit log (protocol error).</translation>
    </message>
    <message>
        <source>La plateforme a envoyé une réponse illisible au journal d&apos;audit.</source>
        <translation>The platform&apos;s reply about the audit log is unreadable.</translation>
    </message>
</context>
<context>
    <name>Cache</name>
    <message>
        <source>Cache hors connexion plein : les examens suivants de la liste ne sont pas préchargés. Ils restent consultables en ligne.</source>
        <translation>Offline cache full: the next studies in the list are not preloaded. They can still be viewed online.</translation>
    </message>
    <message>
        <source>Erreur interne du cache.</source>
        <translation>Internal cache error.</translation>
    </message>
    <message>
        <source>Le cache local des examens est illisible : les examens seront lus depuis la plateforme. Prévenez le support.</source>
        <translation>The local study cache is unreadable: studies will be read from the platform. Inform support.</translation>
    </message>
    <message>
        <source>La clé du cache local a changé (trousseau réinitialisé) : les examens en cache ne pouvaient plus être lus et ont été effacés. Ils seront retéléchargés.</source>
        <translation>The local cache key has changed (keyring reset): the cached studies could no longer be read and have been erased. They will be downloaded again.</translation>
    </message>
    <message>
        <source>Cet examen n&apos;est pas disponible hors connexion (absent du cache).</source>
        <translation>This study is not available offline (not in the cache).</translation>
    </message>
    <message>
        <source>La clé d&apos;un examen du cache a été altérée : l&apos;examen doit être retéléchargé.</source>
        <translation>The key of a cached study has been tampered with: the study must be downloaded again.</translation>
    </message>
    <message>
        <source>L&apos;index du cache a été altéré : l&apos;examen doit être retéléchargé.</source>
        <translation>The cache index has been tampered with: the study must be downloaded again.</translation>
    </message>
    <message>
        <source>Une image de l&apos;examen manque dans le cache : l&apos;examen doit être retéléchargé.</source>
        <translation>An image of the study is missing from the cache: the study must be downloaded again.</translation>
    </message>
    <message>
        <source>Une image de l&apos;examen en cache a été modifiée ou déplacée depuis son téléchargement : elle n&apos;est pas affichée. Retéléchargez l&apos;examen depuis la plateforme.</source>
        <translation>An image of the cached study has been modified or moved since it was downloaded: it is not displayed. Download the study again from the platform.</translation>
    </message>
</context>
<context>
    <name>Calibration</name>
    <message>
        <source>Il faut au moins deux mesures (niveau et luminance).</source>
        <translation>At least two measurements are needed (level and luminance).</translation>
    </message>
    <message>
        <source>Les mesures doivent comprendre le noir (niveau 0) et le blanc (niveau {top}).</source>
        <translation>The measurements must include black (level 0) and white (level {top}).</translation>
    </message>
    <message>
        <source>Les niveaux de commande doivent être croissants, sans doublon.</source>
        <translation>The driving levels must be increasing, without duplicates.</translation>
    </message>
    <message>
        <source>La luminance mesurée doit croître avec le niveau de commande : vérifiez le fichier (colonnes inversées, mesure ratée ?).</source>
        <translation>The measured luminance must increase with the driving level: check the file (columns swapped, failed measurement?).</translation>
    </message>
    <message>
        <source>Luminances hors du domaine de la GSDF DICOM (0,05 à 3 993 cd/m²) : {low} à {high} cd/m².</source>
        <translation>Luminances outside the DICOM GSDF range (0.05 to 3,993 cd/m²): {low} to {high} cd/m².</translation>
    </message>
    <message>
        <source>Calibration enregistrée illisible.</source>
        <translation>Saved calibration unreadable.</translation>
    </message>
    <message>
        <source>Luminance ambiante illisible : « {value} ».</source>
        <translation>Unreadable ambient luminance: “{value}”.</translation>
    </message>
    <message>
        <source>Le fichier ne contient aucune mesure.</source>
        <translation>The file contains no measurements.</translation>
    </message>
    <message>
        <source>Ligne {line} illisible : il faut un niveau de commande puis une luminance.</source>
        <translation>Line {line} unreadable: a driving level then a luminance are expected.</translation>
    </message>
    <message>
        <source>Les niveaux de commande doivent être des entiers positifs.</source>
        <translation>The driving levels must be positive integers.</translation>
    </message>
    <message>
        <source>Niveau de commande maximal invalide : {level}.</source>
        <translation>Invalid maximum driving level: {level}.</translation>
    </message>
    <message>
        <source>Le blanc mesuré doit être au niveau 255 au moins (écran d&apos;au moins 8 bits).</source>
        <translation>The white measured must be at level 255 or above (a screen of at least 8 bits).</translation>
    </message>
    <message>
        <source>Le niveau le plus haut mesuré ({level}) n&apos;est pas le blanc de l&apos;écran (255, 1023…) : mesurez le blanc.</source>
        <translation>The highest level measured ({level}) is not the screen&apos;s white (255, 1023…): measure the white.</translation>
    </message>
    <message>
        <source>Fichier de mesures trop volumineux : « {name} ».</source>
        <translation>Measurement file too large: “{name}”.</translation>
    </message>
    <message>
        <source>Fichier de mesures illisible : « {name} ».</source>
        <translation>Measurement file unreadable: “{name}”.</translation>
    </message>
    <message>
        <source>« {name} » n&apos;est pas un fichier texte de mesures.</source>
        <translation>“{name}” is not a text file of measurements.</translation>
    </message>
    <message>
        <source>Fichier de calibration des écrans illisible : écrans traités comme non calibrés.</source>
        <translation>Screen calibration file unreadable: screens treated as uncalibrated.</translation>
    </message>
    <message>
        <source>Calibration de l&apos;écran « {screen} » inutilisable.</source>
        <translation>Calibration of screen “{screen}” unusable.</translation>
    </message>
    <message>
        <source>Ces mesures ne permettent pas de calibrer l&apos;écran.</source>
        <translation>These measurements cannot calibrate the screen.</translation>
    </message>
    <message>
        <source>Calibration refusée : après correction, les paliers TG18-LN s&apos;écartent de {deviation} % (tolérance 10 %) ; l&apos;écran a trop peu de niveaux utiles ou les mesures sont erronées.</source>
        <translation>Calibration refused: after correction, the TG18-LN steps deviate by {deviation}% (tolerance 10%); the screen has too few usable levels or the measurements are wrong.</translation>
    </message>
    <message>
        <source>mesures inutilisables</source>
        <translation>unusable measurements</translation>
    </message>
</context>
<context>
    <name>CaseExpertiseStrip</name>
    <message>
        <source>Citer l&apos;avis dans le compte rendu</source>
        <translation>Cite the opinion in the report</translation>
    </message>
    <message>
        <source>Téléexpertise {id} ({who}) : {status}</source>
        <translation>Tele-expertise {id} ({who}): {status}</translation>
    </message>
</context>
<context>
    <name>Complementary</name>
    <message>
        <source>Série ou séquence manquante</source>
        <translation>Missing series or sequence</translation>
    </message>
    <message>
        <source>Temps injecté nécessaire</source>
        <translation>Contrast phase needed</translation>
    </message>
    <message>
        <source>Couverture anatomique incomplète</source>
        <translation>Incomplete anatomical coverage</translation>
    </message>
    <message>
        <source>Qualité insuffisante (artefacts, mouvement)</source>
        <translation>Insufficient quality (artefacts, motion)</translation>
    </message>
    <message>
        <source>Reconstruction supplémentaire</source>
        <translation>Additional reconstruction</translation>
    </message>
    <message>
        <source>Autre</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>Indiquez au moins une série ou séquence souhaitée.</source>
        <translation>Give at least one wanted series or sequence.</translation>
    </message>
    <message>
        <source>Au plus 20 séries ou séquences, de 200 caractères au plus chacune.</source>
        <translation>At most 20 series or sequences, of at most 200 characters each.</translation>
    </message>
    <message>
        <source>Le motif « Autre » demande une précision.</source>
        <translation>The reason &quot;Other&quot; needs details.</translation>
    </message>
    <message>
        <source>Précisions : 2 000 caractères au plus.</source>
        <translation>Details: at most 2,000 characters.</translation>
    </message>
</context>
<context>
    <name>ComplementaryDialog</name>
    <message>
        <source>Demander des images complémentaires</source>
        <translation>Request complementary images</translation>
    </message>
    <message>
        <source>Une série ou séquence par ligne (ex. : temps portal, T2 axial)</source>
        <translation>One series or sequence per line (e.g. portal phase, axial T2)</translation>
    </message>
    <message>
        <source>Précisions pour le manipulateur (obligatoires pour « Autre »)</source>
        <translation>Details for the technologist (required for &quot;Other&quot;)</translation>
    </message>
    <message>
        <source>&amp;Motif</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <source>&amp;Séries souhaitées</source>
        <translation>&amp;Wanted series</translation>
    </message>
    <message>
        <source>&amp;Précisions</source>
        <translation>&amp;Details</translation>
    </message>
    <message>
        <source>&amp;Envoyer au site</source>
        <translation>&amp;Send to the site</translation>
    </message>
    <message>
        <source>La demande est transmise au site par la plateforme, inscrite dans l&apos;historique de la demande et au journal d&apos;audit ; le dossier attend ensuite les nouvelles séries.</source>
        <translation>The request is sent to the site through the platform, written in the order&apos;s history and in the audit journal; the case then waits for the new series.</translation>
    </message>
    <message>
        <source>La demande n&apos;a pas pu être envoyée (le détail est dans le journal).</source>
        <translation>The request could not be sent (details in the log).</translation>
    </message>
</context>
<context>
    <name>Connectivity</name>
    <message>
        <source>la connexion sécurisée avec la plateforme a échoué (certificat refusé) ; prévenez votre administrateur.</source>
        <translation>the secure connection to the platform failed (certificate rejected); inform your administrator.</translation>
    </message>
    <message>
        <source>la connexion sécurisée avec la plateforme a échoué ; prévenez votre administrateur si cela persiste.</source>
        <translation>the secure connection to the platform failed; inform your administrator if this persists.</translation>
    </message>
    <message>
        <source>plateforme injoignable (réseau ou plateforme arrêtée).</source>
        <translation>platform unreachable (network or platform down).</translation>
    </message>
    <message>
        <source>la plateforme est en erreur ({status}).</source>
        <translation>the platform reports an error ({status}).</translation>
    </message>
    <message>
        <source>{count} messages en attente d&apos;envoi, transmis automatiquement au retour de la plateforme.</source>
        <translation>{count} messages waiting to be sent, delivered automatically when the platform is back.</translation>
    </message>
    <message>
        <source>{count} message en attente d&apos;envoi, transmis automatiquement au retour de la plateforme.</source>
        <translation>{count} message waiting to be sent, delivered automatically when the platform is back.</translation>
    </message>
    <message>
        <source>Aucun message en attente d&apos;envoi.</source>
        <translation>No messages waiting to be sent.</translation>
    </message>
    <message>
        <source>Mode dégradé depuis le {date} à {time} : {reason} Vous pouvez lire les examens en cache et rédiger, signer ou refuser : tout est conservé sur ce poste. {waiting}</source>
        <translation>Degraded mode since {date} at {time}: {reason} You can read cached studies, write and sign reports or refuse requests: everything is kept on this workstation. {waiting}</translation>
    </message>
    <message>
        <source>plateforme injoignable.</source>
        <translation>platform unreachable.</translation>
    </message>
    <message>
        <source>Plateforme indisponible.</source>
        <translation>Platform unavailable.</translation>
    </message>
</context>
<context>
    <name>Contrast</name>
    <message>
        <source>aucune</source>
        <translation>none</translation>
    </message>
    <message>
        <source>oui : à suspendre selon la fonction rénale</source>
        <translation>yes: to be suspended depending on renal function</translation>
    </message>
    <message>
        <source>non</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Fonction rénale (créatininémie ou DFG)</source>
        <translation>Renal function (serum creatinine or eGFR)</translation>
    </message>
    <message>
        <source>Allergies</source>
        <translation>Allergies</translation>
    </message>
    <message>
        <source>Traitement par metformine</source>
        <translation>Metformin treatment</translation>
    </message>
    <message>
        <source>Réaction antérieure à un produit de contraste</source>
        <translation>Previous reaction to a contrast agent</translation>
    </message>
</context>
<context>
    <name>DiagnosticsDialog</name>
    <message>
        <source>Versions</source>
        <translation>Versions</translation>
    </message>
    <message>
        <source>Décodeurs DICOM</source>
        <translation>DICOM decoders</translation>
    </message>
    <message>
        <source>Trousseau sécurisé</source>
        <translation>Secure keyring</translation>
    </message>
    <message>
        <source>Rendu 3D (OpenGL)</source>
        <translation>3D rendering (OpenGL)</translation>
    </message>
    <message>
        <source>Écrans</source>
        <translation>Screens</translation>
    </message>
    <message>
        <source>Connexion à la plateforme</source>
        <translation>Platform connection</translation>
    </message>
    <message>
        <source>Paramètres</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>File d&apos;envoi</source>
        <translation>Outbox</translation>
    </message>
    <message>
        <source>Autotest</source>
        <translation>Self-test</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Avertissement</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>Échec</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>application empaquetée</source>
        <translation>packaged application</translation>
    </message>
    <message>
        <source>environnement Python</source>
        <translation>Python environment</translation>
    </message>
    <message>
        <source>Système</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Installation</source>
        <translation>Installation</translation>
    </message>
    <message>
        <source>inconnu</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>Rendu OpenGL</source>
        <translation>OpenGL renderer</translation>
    </message>
    <message>
        <source>Version OpenGL</source>
        <translation>OpenGL version</translation>
    </message>
    <message>
        <source>Fournisseur</source>
        <translation>Vendor</translation>
    </message>
    <message>
        <source>{qt} (PySide6 {pyside}), plateforme « {platform} »</source>
        <translation>{qt} (PySide6 {pyside}), platform “{platform}”</translation>
    </message>
    <message>
        <source>Écran {number}</source>
        <translation>Screen {number}</translation>
    </message>
    <message>
        <source>« {name} »</source>
        <translation>“{name}”</translation>
    </message>
    <message>
        <source>(principal)</source>
        <translation>(primary)</translation>
    </message>
    <message>
        <source>{width}×{height}, {depth} bits, {dpi} ppp, {refresh} Hz, échelle {scale}</source>
        <translation>{width}×{height}, {depth} bits, {dpi} dpi, {refresh} Hz, scale {scale}</translation>
    </message>
    <message>
        <source>en ligne</source>
        <translation>online</translation>
    </message>
    <message>
        <source>mode dégradé</source>
        <translation>degraded mode</translation>
    </message>
    <message>
        <source>certificat refusé</source>
        <translation>certificate rejected</translation>
    </message>
    <message>
        <source>Adresse</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Autorité de certification</source>
        <translation>Certificate authority</translation>
    </message>
    <message>
        <source>État</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>erreur</source>
        <translation>error</translation>
    </message>
    <message>
        <source>Fichier</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Intégrité SQLite</source>
        <translation>SQLite integrity</translation>
    </message>
    <message>
        <source>En attente d&apos;envoi</source>
        <translation>Waiting to be sent</translation>
    </message>
    <message>
        <source>Messages signés absents de la file</source>
        <translation>Signed messages missing from the outbox</translation>
    </message>
    <message>
        <source>Fichier endommagé conservé</source>
        <translation>Damaged file kept</translation>
    </message>
    <message>
        <source>Plateforme</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>Certificat d&apos;autorité</source>
        <translation>CA certificate</translation>
    </message>
    <message>
        <source>autorités du système</source>
        <translation>system authorities</translation>
    </message>
    <message>
        <source>Cache des examens</source>
        <translation>Study cache</translation>
    </message>
    <message>
        <source>Diagnostic du poste</source>
        <translation>Workstation diagnostics</translation>
    </message>
    <message>
        <source>Vérifications en cours…</source>
        <translation>Running checks…</translation>
    </message>
    <message>
        <source>Vérification</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Détail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Relancer les vérifications</source>
        <translation>Run checks again</translation>
    </message>
    <message>
        <source>Copier le rapport</source>
        <translation>Copy report</translation>
    </message>
    <message>
        <source>Calibration GSDF des écrans et mires de contrôle</source>
        <translation>GSDF screen calibration and test patterns</translation>
    </message>
    <message>
        <source>Écran {number} « {name} » ({width}×{height})</source>
        <translation>Screen {number} “{name}” ({width}×{height})</translation>
    </message>
    <message>
        <source>Charger des mesures de luminance…</source>
        <translation>Load luminance measurements…</translation>
    </message>
    <message>
        <source>Fichier CSV du photomètre : niveau de commande puis luminance (cd/m²) par ligne, du noir au blanc ; « # date: AAAA-MM-JJ » et « # ambiant: 0,3 » facultatifs</source>
        <translation>Photometer CSV file: driving level then luminance (cd/m²) on each line, from black to white; “# date: YYYY-MM-DD” and “# ambient: 0.3” optional</translation>
    </message>
    <message>
        <source>Mire TG18-QC</source>
        <translation>TG18-QC pattern</translation>
    </message>
    <message>
        <source>Mires TG18-LN</source>
        <translation>TG18-LN patterns</translation>
    </message>
    <message>
        <source>Oublier la calibration</source>
        <translation>Forget the calibration</translation>
    </message>
    <message>
        <source>« {screen} » : non calibré — les images sont affichées sans correction GSDF.</source>
        <translation>“{screen}”: not calibrated — images are displayed without GSDF correction.</translation>
    </message>
    <message>
        <source>« {screen} » : calibré GSDF — L min {low} cd/m², L max {high} cd/m² (ambiant compris), mesures du {date} ({source}), paliers TG18-LN à {deviation} % de l&apos;égalité (tolérance 10 %).</source>
        <translation>“{screen}”: GSDF calibrated — L min {low} cd/m², L max {high} cd/m² (ambient included), measured on {date} ({source}), TG18-LN steps within {deviation}% of equal (tolerance 10%).</translation>
    </message>
    <message>
        <source>fichier</source>
        <translation>file</translation>
    </message>
    <message>
        <source>⚠ Calibration de plus de {days} jours ({age} jours) : à refaire.</source>
        <translation>⚠ Calibration older than {days} days ({age} days): to be redone.</translation>
    </message>
    <message>
        <source>Mesures de luminance de l&apos;écran</source>
        <translation>Screen luminance measurements</translation>
    </message>
    <message>
        <source>Mesures (*.csv *.txt);;Tous (*)</source>
        <translation>Measurements (*.csv *.txt);;All (*)</translation>
    </message>
    <message>
        <source>Vérifications en cours… (quelques secondes)</source>
        <translation>Running checks… (a few seconds)</translation>
    </message>
    <message>
        <source>Les vérifications n&apos;ont pas pu être menées à terme : voir le journal du poste.</source>
        <translation>The checks could not be completed: see the workstation log.</translation>
    </message>
    <message>
        <source>Poste de téléradiologie {version}</source>
        <translation>Teleradiology workstation {version}</translation>
    </message>
    <message>
        <source>vérifié le {date} à {time}</source>
        <translation>checked on {date} at {time}</translation>
    </message>
    <message>
        <source>Autres vérifications</source>
        <translation>Other checks</translation>
    </message>
    <message>
        <source>{ok} vérifications réussies sur {total} ({syntaxes} syntaxes de transfert)</source>
        <translation>{ok} of {total} checks passed ({syntaxes} transfer syntaxes)</translation>
    </message>
    <message>
        <source>{ok} vérifications réussies sur {total}</source>
        <translation>{ok} of {total} checks passed</translation>
    </message>
    <message>
        <source>Rapport copié dans le presse-papiers.</source>
        <translation>Report copied to the clipboard.</translation>
    </message>
</context>
<context>
    <name>Expertise</name>
    <message>
        <source>En attente de l&apos;expert</source>
        <translation>Awaiting the expert</translation>
    </message>
    <message>
        <source>Avis rendu</source>
        <translation>Opinion given</translation>
    </message>
    <message>
        <source>Expertise impossible</source>
        <translation>Expertise not possible</translation>
    </message>
    <message>
        <source>Qualité ou couverture des images insuffisante</source>
        <translation>Insufficient image quality or coverage</translation>
    </message>
    <message>
        <source>Examens antérieurs nécessaires non disponibles</source>
        <translation>Necessary prior studies not available</translation>
    </message>
    <message>
        <source>Identité du patient incertaine</source>
        <translation>Patient identity uncertain</translation>
    </message>
    <message>
        <source>Informations cliniques insuffisantes</source>
        <translation>Insufficient clinical information</translation>
    </message>
    <message>
        <source>Hors de mon champ de compétence</source>
        <translation>Outside my field of expertise</translation>
    </message>
    <message>
        <source>Autre motif</source>
        <translation>Other reason</translation>
    </message>
    <message>
        <source>Qualité et couverture des images suffisantes</source>
        <translation>Image quality and coverage sufficient</translation>
    </message>
    <message>
        <source>Antériorités nécessaires disponibles (ou sans objet)</source>
        <translation>Necessary priors available (or not applicable)</translation>
    </message>
    <message>
        <source>Identité du patient concordante (demande et images)</source>
        <translation>Patient identity consistent (request and images)</translation>
    </message>
    <message>
        <source>Informations cliniques suffisantes</source>
        <translation>Sufficient clinical information</translation>
    </message>
    <message>
        <source>Réponse inattendue de la plateforme (téléexpertise).</source>
        <translation>Unexpected reply from the platform (tele-expertise).</translation>
    </message>
    <message>
        <source>Groupe « {specialty} »</source>
        <translation>Group “{specialty}”</translation>
    </message>
    <message>
        <source>La téléexpertise exige que le patient ait été informé et ait consenti : notez-le avant d&apos;envoyer la demande.</source>
        <translation>Tele-expertise requires the patient to have been informed and to have consented: record it before sending the request.</translation>
    </message>
    <message>
        <source>Vérifications non faites : {missing}. Sinon, répondez « expertise impossible ».</source>
        <translation>Checks not done: {missing}. Otherwise, answer “expertise not possible”.</translation>
    </message>
    <message>
        <source>Écrivez votre avis avant de le signer.</source>
        <translation>Write your opinion before signing it.</translation>
    </message>
    <message>
        <source>L&apos;avis n&apos;a PAS été signé ni mis en file d&apos;envoi : {reason}</source>
        <translation>The opinion has NOT been signed or queued for sending: {reason}</translation>
    </message>
    <message>
        <source>Cet examen n&apos;est pas joint à la demande.</source>
        <translation>This study is not attached to the request.</translation>
    </message>
    <message>
        <source>Choisissez un motif et expliquez-le au demandeur.</source>
        <translation>Choose a reason and explain it to the requester.</translation>
    </message>
    <message>
        <source>Indiquez à qui, comment et quand le résultat a été communiqué.</source>
        <translation>State to whom, how and when the result was communicated.</translation>
    </message>
    <message>
        <source>sans INS</source>
        <translation>no INS</translation>
    </message>
    <message>
        <source>né(e) le</source>
        <translation>born</translation>
    </message>
    <message>
        <source>urgente</source>
        <translation>urgent</translation>
    </message>
    <message>
        <source>non urgente</source>
        <translation>not urgent</translation>
    </message>
    <message>
        <source>Demande</source>
        <translation>Request</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>identité illisible</source>
        <translation>unreadable identity</translation>
    </message>
    <message>
        <source>Demandeur</source>
        <translation>Requester</translation>
    </message>
    <message>
        <source>Destinataire</source>
        <translation>Addressee</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Éléments cliniques</source>
        <translation>Clinical information</translation>
    </message>
    <message>
        <source>Examens joints</source>
        <translation>Attached studies</translation>
    </message>
    <message>
        <source>Consentement</source>
        <translation>Consent</translation>
    </message>
    <message>
        <source>patient informé et consentant</source>
        <translation>patient informed and consenting</translation>
    </message>
    <message>
        <source>Statut</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Analyse</source>
        <translation>Analysis</translation>
    </message>
    <message>
        <source>Avis</source>
        <translation>Opinion</translation>
    </message>
    <message>
        <source>Motif</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Communication urgente</source>
        <translation>Urgent communication</translation>
    </message>
</context>
<context>
    <name>ExpertiseController</name>
    <message>
        <source>Examen du jour</source>
        <translation>Today&apos;s study</translation>
    </message>
    <message>
        <source>Antérieur : {label}</source>
        <translation>Prior: {label}</translation>
    </message>
    <message>
        <source>Liste des experts indisponible.</source>
        <translation>List of experts unavailable.</translation>
    </message>
    <message>
        <source>Demande d&apos;avis {id} envoyée à {who}.</source>
        <translation>Opinion request {id} sent to {who}.</translation>
    </message>
    <message>
        <source>La demande d&apos;avis n&apos;a pas été envoyée.</source>
        <translation>The opinion request was not sent.</translation>
    </message>
</context>
<context>
    <name>ExpertisePanel</name>
    <message>
        <source>Demandes d&apos;avis (téléexpertise)</source>
        <translation>Opinion requests (tele-expertise)</translation>
    </message>
    <message>
        <source>Examiner et répondre…</source>
        <translation>Review and answer…</translation>
    </message>
    <message>
        <source>Voir la réponse</source>
        <translation>View the answer</translation>
    </message>
    <message>
        <source>Reçues, à traiter en tant qu&apos;expert</source>
        <translation>Received (to answer as the expert)</translation>
    </message>
    <message>
        <source>Envoyées par moi</source>
        <translation>Sent by me</translation>
    </message>
    <message>
        <source>Urgence</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <source>Demande</source>
        <translation>Request</translation>
    </message>
    <message>
        <source>Avec</source>
        <translation>With</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Statut</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Le</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Demandes d&apos;avis indisponibles.</source>
        <translation>Opinion requests unavailable.</translation>
    </message>
    <message numerus="yes">
        <source>Demandes d&apos;avis (téléexpertise) — %n à traiter</source>
        <translation>
            <numerusform>Opinion requests (tele-expertise) — %n to handle</numerusform>
            <numerusform>Opinion requests (tele-expertise) — %n to handle</numerusform>
        </translation>
    </message>
    <message>
        <source>URGENT</source>
        <translation>URGENT</translation>
    </message>
    <message>
        <source>Demande d&apos;avis {id}</source>
        <translation>Opinion request {id}</translation>
    </message>
</context>
<context>
    <name>Flux3</name>
    <message>
        <source>Informations cliniques insuffisantes</source>
        <translation>Insufficient clinical information</translation>
    </message>
    <message>
        <source>Indication non justifiée</source>
        <translation>Indication not justified</translation>
    </message>
    <message>
        <source>Examen non adapté ou alternative non irradiante</source>
        <translation>Unsuitable exam or non-irradiating alternative</translation>
    </message>
    <message>
        <source>Images de qualité insuffisante</source>
        <translation>Insufficient image quality</translation>
    </message>
    <message>
        <source>Hors du périmètre convenu avec le site</source>
        <translation>Outside the scope agreed with the site</translation>
    </message>
    <message>
        <source>Contre-indication à l&apos;examen</source>
        <translation>Contraindication to the exam</translation>
    </message>
    <message>
        <source>Examen récent déjà disponible</source>
        <translation>Recent exam already available</translation>
    </message>
    <message>
        <source>Autre motif</source>
        <translation>Other reason</translation>
    </message>
</context>
<context>
    <name>IdentityAddendumDialog</name>
    <message>
        <source>Identité qualifiée reçue : addendum à signer</source>
        <translation>Qualified identity received: addendum to sign</translation>
    </message>
    <message>
        <source>Le site a transmis l&apos;identité qualifiée du patient dont le compte rendu a été signé sur une identité provisoire. Vérifiez qu&apos;il s&apos;agit bien du même patient : la signature envoie une nouvelle version du compte rendu, sur l&apos;identité qualifiée, avec l&apos;addendum ci-dessous (le contenu médical est inchangé).</source>
        <translation>The site has sent the qualified identity of the patient whose report was signed on a provisional identity. Check that this is the same patient: signing sends a new version of the report, on the qualified identity, with the addendum below (the medical content is unchanged).</translation>
    </message>
    <message>
        <source>Identité provisoire</source>
        <translation>Provisional identity</translation>
    </message>
    <message>
        <source>Identité qualifiée</source>
        <translation>Qualified identity</translation>
    </message>
    <message>
        <source>Addendum</source>
        <translation>Addendum</translation>
    </message>
    <message>
        <source>&amp;Mot de passe</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>Signer l&apos;addendum</source>
        <translation>Sign the addendum</translation>
    </message>
</context>
<context>
    <name>IdentityUpdate</name>
    <message>
        <source>Le compte rendu signé sur l&apos;identité provisoire n&apos;est pas conservé sur ce poste (il l&apos;est sur le poste qui l&apos;a signé) : l&apos;addendum se signe depuis ce poste-là.</source>
        <translation>The report signed on the provisional identity is not kept on this workstation (it is on the workstation that signed it): sign the addendum from that workstation.</translation>
    </message>
    <message>
        <source>Le compte rendu signé sur l&apos;identité provisoire ne peut pas être relu sur ce poste (copie chiffrée altérée ou clé changée) : l&apos;addendum n&apos;a PAS été signé. Prévenez le support.</source>
        <translation>The report signed on the provisional identity cannot be read back on this workstation (encrypted copy altered or key changed): the addendum has NOT been signed. Tell support.</translation>
    </message>
    <message>
        <source>Aucune identité qualifiée à rattacher pour cette demande : rien n&apos;a été signé.</source>
        <translation>No qualified identity to link for this order: nothing has been signed.</translation>
    </message>
</context>
<context>
    <name>Indicators</name>
    <message>
        <source>Site non identifié (demande illisible)</source>
        <translation>Unidentified site (unreadable request)</translation>
    </message>
    <message>
        <source>Motif non précisé</source>
        <translation>Reason not specified</translation>
    </message>
    <message>
        <source>Demande illisible (HL7)</source>
        <translation>Unreadable request (HL7)</translation>
    </message>
    <message>
        <source>Compte rendu non accepté par la plateforme</source>
        <translation>Report not accepted by the platform</translation>
    </message>
    <message>
        <source>Refus non accepté par la plateforme</source>
        <translation>Refusal not accepted by the platform</translation>
    </message>
    <message>
        <source>Échec de connexion sécurisée (TLS)</source>
        <translation>Secure connection failure (TLS)</translation>
    </message>
    <message>
        <source>Journal d&apos;audit altéré</source>
        <translation>Audit log tampered with</translation>
    </message>
    <message>
        <source>Échec d&apos;authentification</source>
        <translation>Authentication failure</translation>
    </message>
    <message>
        <source>Le journal d&apos;audit de ce poste n&apos;a pas pu être lu : les incidents ne sont pas comptés.</source>
        <translation>This workstation&apos;s audit log could not be read: incidents are not counted.</translation>
    </message>
    <message>
        <source>Demande reçue → validée ou refusée</source>
        <translation>Request received → accepted or refused</translation>
    </message>
    <message>
        <source>Images disponibles → compte rendu transmis</source>
        <translation>Images available → report sent</translation>
    </message>
    <message>
        <source>Téléexpertise demandée → avis rendu ou impossible</source>
        <translation>Tele-expertise requested → opinion given or not possible</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>Non urgent</source>
        <translation>Not urgent</translation>
    </message>
    <message>
        <source>Ensemble</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Communications urgentes et leur délai</source>
        <translation>Urgent communications and their delay</translation>
    </message>
    <message>
        <source>La communication d&apos;un résultat urgent n&apos;est écrite que dans le texte du compte rendu, pas enregistrée comme une donnée datée que l&apos;on puisse compter.</source>
        <translation>The communication of an urgent result is only written in the report text, not recorded as dated data that can be counted.</translation>
    </message>
    <message>
        <source>toute la période enregistrée</source>
        <translation>the whole recorded period</translation>
    </message>
    <message>
        <source>du {start} au {end} inclus</source>
        <translation>from {start} to {end} inclusive</translation>
    </message>
    <message>
        <source>jusqu&apos;au {end}</source>
        <translation>until {end}</translation>
    </message>
    <message>
        <source>depuis le {start}</source>
        <translation>since {start}</translation>
    </message>
    <message>
        <source>du {start} au {end}</source>
        <translation>from {start} to {end}</translation>
    </message>
</context>
<context>
    <name>IndicatorsDialog</name>
    <message>
        <source>Indicateurs de qualité</source>
        <translation>Quality indicators</translation>
    </message>
    <message>
        <source>Tous les sites</source>
        <translation>All sites</translation>
    </message>
    <message>
        <source>Tous les radiologues</source>
        <translation>All radiologists</translation>
    </message>
    <message>
        <source>Du</source>
        <translation>From</translation>
    </message>
    <message>
        <source>au</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Radiologue</source>
        <translation>Radiologist</translation>
    </message>
    <message>
        <source>Exporter en CSV…</source>
        <translation>Export as CSV…</translation>
    </message>
    <message>
        <source>Exporter en PDF…</source>
        <translation>Export as PDF…</translation>
    </message>
    <message>
        <source>La fin de la période précède son début : corrigez les dates.</source>
        <translation>The end of the period is before its start: correct the dates.</translation>
    </message>
    <message>
        <source>{count} demandes dans la sélection, sur {total} de la liste de travail.</source>
        <translation>{count} requests in the selection, out of {total} in the worklist.</translation>
    </message>
    <message>
        <source>liste de travail de la plateforme ({total} demandes) et journal d&apos;audit de ce poste</source>
        <translation>the platform&apos;s worklist ({total} requests) and this workstation&apos;s audit log</translation>
    </message>
    <message>
        <source>Exporter les indicateurs en CSV</source>
        <translation>Export the indicators as CSV</translation>
    </message>
    <message>
        <source>Exporter le rapport PDF</source>
        <translation>Export the PDF report</translation>
    </message>
    <message>
        <source>Le fichier n&apos;a pas pu être écrit ({reason}).</source>
        <translation>The file could not be written ({reason}).</translation>
    </message>
    <message>
        <source>Fichier enregistré : {path}</source>
        <translation>File saved: {path}</translation>
    </message>
</context>
<context>
    <name>Justification</name>
    <message>
        <source>la patiente est enceinte</source>
        <translation>the patient is pregnant</translation>
    </message>
    <message>
        <source>le patient est un enfant ({age} ans)</source>
        <translation>the patient is a child ({age} years)</translation>
    </message>
    <message>
        <source>patiente en âge de procréer sans statut de grossesse renseigné</source>
        <translation>patient of childbearing age with no pregnancy status given</translation>
    </message>
    <message>
        <source>Examen irradiant : {reasons}. Confirmez que le bénéfice attendu justifie l&apos;exposition et qu&apos;aucune alternative non irradiante n&apos;est adaptée.</source>
        <translation>Irradiating exam: {reasons}. Confirm that the expected benefit justifies the exposure and that no non-irradiating alternative is suitable.</translation>
    </message>
    <message>
        <source>renseigné</source>
        <translation>given</translation>
    </message>
    <message>
        <source>Motif de l&apos;examen (renseignements cliniques, OBR-13)</source>
        <translation>Reason for the exam (clinical information, OBR-13)</translation>
    </message>
    <message>
        <source>Finalité de l&apos;examen, question posée (NTE FINALITE_EXAMEN)</source>
        <translation>Purpose of the exam, clinical question (NTE FINALITE_EXAMEN)</translation>
    </message>
    <message>
        <source>Statut de grossesse (patiente en âge de procréer)</source>
        <translation>Pregnancy status (patient of childbearing age)</translation>
    </message>
    <message>
        <source>Antécédents et examens antérieurs (OBX 11322-5)</source>
        <translation>History and prior exams (OBX 11322-5)</translation>
    </message>
    <message>
        <source>{count} transmis</source>
        <translation>{count} sent</translation>
    </message>
    <message>
        <source>Poids du patient, pour optimiser la dose (OBX 29463-7)</source>
        <translation>Patient&apos;s weight, to optimise the dose (OBX 29463-7)</translation>
    </message>
    <message>
        <source>Médecin demandeur identifié (PV1-8 ou ORC-12)</source>
        <translation>Requesting physician identified (PV1-8 or ORC-12)</translation>
    </message>
    <message>
        <source>Cette demande a été annulée par le site.</source>
        <translation>This request was cancelled by the site.</translation>
    </message>
    <message>
        <source>La demande d&apos;origine est introuvable.</source>
        <translation>The original request cannot be found.</translation>
    </message>
    <message>
        <source>Rédigez ou choisissez un protocole avant d&apos;accepter.</source>
        <translation>Write or choose a protocol before accepting.</translation>
    </message>
    <message>
        <source>Confirmez la justification de l&apos;examen irradiant.</source>
        <translation>Confirm the justification of the irradiating exam.</translation>
    </message>
    <message>
        <source>Protocole avec injection : confirmez qu&apos;un médecin sera présent lors de l&apos;injection.</source>
        <translation>Protocol with injection: confirm that a physician will be present during the injection.</translation>
    </message>
    <message>
        <source>Élément manquant : {element}. Acceptez-le en connaissance de cause ou demandez-le au site.</source>
        <translation>Missing item: {element}. Accept without it knowingly or ask the site for it.</translation>
    </message>
    <message>
        <source>Choisissez le motif du refus.</source>
        <translation>Choose the reason for refusal.</translation>
    </message>
    <message>
        <source>Rédigez la justification du refus pour le médecin demandeur (10 caractères au moins).</source>
        <translation>Write the justification of the refusal for the requesting physician (at least 10 characters).</translation>
    </message>
</context>
<context>
    <name>JustificationChecklist</name>
    <message>
        <source>Éléments de justification (art. R.1333-53 du CSP)</source>
        <translation>Justification items (art. R.1333-53 of the French Public Health Code)</translation>
    </message>
    <message>
        <source>Demander les éléments manquants au site…</source>
        <translation>Ask the site for the missing items…</translation>
    </message>
    <message>
        <source>manquant</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>{label} : {detail}</source>
        <translation>{label}: {detail}</translation>
    </message>
    <message>
        <source>Accepter sans</source>
        <translation>Accept without</translation>
    </message>
    <message>
        <source>J&apos;accepte la demande sans cet élément, en connaissance de cause</source>
        <translation>I accept the request without this item, knowingly</translation>
    </message>
</context>
<context>
    <name>JustificationDialog</name>
    <message>
        <source>Scanner (TDM)</source>
        <translation>CT scan</translation>
    </message>
    <message>
        <source>IRM</source>
        <translation>MRI</translation>
    </message>
    <message>
        <source>Radiographie</source>
        <translation>Radiography</translation>
    </message>
    <message>
        <source>Échographie</source>
        <translation>Ultrasound</translation>
    </message>
    <message>
        <source>Justification de la demande {number}</source>
        <translation>Justification of request {number}</translation>
    </message>
    <message>
        <source>non précisée</source>
        <translation>not specified</translation>
    </message>
    <message>
        <source>Question :</source>
        <translation>Question:</translation>
    </message>
    <message>
        <source>Contexte :</source>
        <translation>Context:</translation>
    </message>
    <message>
        <source>Demandé : {modality} — {regions}</source>
        <translation>Requested: {modality} — {regions}</translation>
    </message>
    <message>
        <source>&amp;Accepter avec un protocole</source>
        <translation>&amp;Accept with a protocol</translation>
    </message>
    <message>
        <source>&amp;Refuser la demande</source>
        <translation>&amp;Refuse the request</translation>
    </message>
    <message>
        <source>Telle que demandée ({modality})</source>
        <translation>As requested ({modality})</translation>
    </message>
    <message>
        <source>Changer pour : {label} ({code})</source>
        <translation>Change to: {label} ({code})</translation>
    </message>
    <message>
        <source>Je confirme la justification de cet examen irradiant</source>
        <translation>I confirm the justification of this irradiating exam</translation>
    </message>
    <message>
        <source>&amp;Modalité</source>
        <translation>&amp;Modality</translation>
    </message>
    <message>
        <source>&amp;Protocole type</source>
        <translation>Protocol &amp;template</translation>
    </message>
    <message>
        <source>&amp;Texte envoyé au site</source>
        <translation>&amp;Text sent to the site</translation>
    </message>
    <message>
        <source>Protocole avec injection de produit de contraste</source>
        <translation>Protocol with contrast injection</translation>
    </message>
    <message>
        <source>Produit de contraste : contre-indications recherchées avec le site</source>
        <translation>Contrast agent: contraindications checked with the site</translation>
    </message>
    <message>
        <source>Je confirme qu&apos;un médecin sera présent auprès du manipulateur lors de l&apos;injection</source>
        <translation>I confirm that a physician will be present with the radiographer during the injection</translation>
    </message>
    <message>
        <source>— choisir le motif —</source>
        <translation>— choose the reason —</translation>
    </message>
    <message>
        <source>Justification pour le médecin demandeur (obligatoire) : ce qui manque, l&apos;alternative proposée…</source>
        <translation>Justification for the requesting physician (required): what is missing, the proposed alternative…</translation>
    </message>
    <message>
        <source>M&amp;otif</source>
        <translation>Rea&amp;son</translation>
    </message>
    <message>
        <source>&amp;Justification</source>
        <translation>&amp;Justification</translation>
    </message>
    <message>
        <source>Envoyer la réponse</source>
        <translation>Send the answer</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>— texte libre —</source>
        <translation>— free text —</translation>
    </message>
</context>
<context>
    <name>KeyObjects</name>
    <message>
        <source>Images clés non enregistrées sur la plateforme ({reason}) : le compte rendu cite les images elles-mêmes.</source>
        <translation>Key images not saved on the platform ({reason}): the report cites the images themselves.</translation>
    </message>
    <message>
        <source>Annotations non enregistrées avec l&apos;examen.</source>
        <translation>Annotations not saved with the study.</translation>
    </message>
    <message>
        <source>Images clés non enregistrées : elles ne font pas partie de l&apos;examen lu.</source>
        <translation>Key images not saved: they are not part of the study read.</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Session verrouillée</source>
        <translation>Session locked</translation>
    </message>
    <message>
        <source>Votre mot de passe pour reprendre</source>
        <translation>Your password to resume</translation>
    </message>
    <message>
        <source>Déverrouiller</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Changer d&apos;utilisateur</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <source>Session de {who}.</source>
        <translation>{who}&apos;s session.</translation>
    </message>
    <message>
        <source>Reconnectez-vous.</source>
        <translation>Please sign in again.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Verrouillage automatique après inactivité.</source>
        <translation>Locked automatically after inactivity.</translation>
    </message>
    <message>
        <source>Session verrouillée à votre demande.</source>
        <translation>Session locked at your request.</translation>
    </message>
    <message>
        <source>Téléradiologie — poste de lecture</source>
        <translation>Teleradiology — reading workstation</translation>
    </message>
    <message>
        <source>Rechercher : patient, n° de demande, INS, site…  (Ctrl+F)</source>
        <translation>Search: patient, request no., INS, site…  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Toutes modalités</source>
        <translation>All modalities</translation>
    </message>
    <message>
        <source>Urgences seules</source>
        <translation>Urgent only</translation>
    </message>
    <message>
        <source>Actualiser</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Actualiser la liste de travail (F5)</source>
        <translation>Refresh the worklist (F5)</translation>
    </message>
    <message>
        <source>Sélectionnez une demande dans la liste.</source>
        <translation>Select a request in the list.</translation>
    </message>
    <message>
        <source>Valider ou refuser…</source>
        <translation>Accept or refuse…</translation>
    </message>
    <message>
        <source>Accepter la demande avec un protocole, ou la refuser (Ctrl+J)</source>
        <translation>Accept the request with a protocol, or refuse it (Ctrl+J)</translation>
    </message>
    <message>
        <source>Ouvrir l&apos;examen</source>
        <translation>Open the exam</translation>
    </message>
    <message>
        <source>Lire les images et rédiger le compte rendu (Ctrl+O, double-clic)</source>
        <translation>Read the images and write the report (Ctrl+O, double-click)</translation>
    </message>
    <message>
        <source>&amp;Session</source>
        <translation>&amp;Session</translation>
    </message>
    <message>
        <source>&amp;Verrouiller</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <source>Se &amp;déconnecter</source>
        <translation>Sign &amp;out</translation>
    </message>
    <message>
        <source>&amp;Paramètres du poste…</source>
        <translation>Workstation &amp;settings…</translation>
    </message>
    <message>
        <source>&amp;Codes de reprise hors ligne…</source>
        <translation>&amp;Offline restart codes…</translation>
    </message>
    <message>
        <source>&amp;Liste de travail</source>
        <translation>&amp;Worklist</translation>
    </message>
    <message>
        <source>&amp;Actualiser</source>
        <translation>&amp;Refresh</translation>
    </message>
    <message>
        <source>&amp;Rechercher</source>
        <translation>&amp;Search</translation>
    </message>
    <message>
        <source>Urgences &amp;seules</source>
        <translation>&amp;Urgent only</translation>
    </message>
    <message>
        <source>&amp;Valider ou refuser la demande</source>
        <translation>&amp;Accept or refuse the request</translation>
    </message>
    <message>
        <source>&amp;Ouvrir l&apos;examen</source>
        <translation>&amp;Open the exam</translation>
    </message>
    <message>
        <source>&amp;Indicateurs de qualité…</source>
        <translation>&amp;Quality indicators…</translation>
    </message>
    <message>
        <source>L&amp;ecture</source>
        <translation>R&amp;eading</translation>
    </message>
    <message>
        <source>&amp;Signer et envoyer</source>
        <translation>&amp;Sign and send</translation>
    </message>
    <message>
        <source>&amp;Retour à la liste</source>
        <translation>&amp;Back to the worklist</translation>
    </message>
    <message>
        <source>&amp;Visionneuse sur un autre écran</source>
        <translation>&amp;Viewer on another screen</translation>
    </message>
    <message>
        <source>&amp;Aide</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;Raccourcis clavier</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>&amp;Diagnostic du poste</source>
        <translation>Workstation &amp;diagnostics</translation>
    </message>
    <message>
        <source>{name} — RPPS {rpps}</source>
        <translation>{name} — RPPS {rpps}</translation>
    </message>
    <message>
        <source>Session verrouillée.</source>
        <translation>Session locked.</translation>
    </message>
    <message>
        <source>Session terminée : reconnectez-vous.</source>
        <translation>Session ended: please sign in again.</translation>
    </message>
    <message>
        <source>Déverrouillage impossible.</source>
        <translation>Unlock failed.</translation>
    </message>
    <message>
        <source>Liste à jour à {time}</source>
        <translation>Worklist updated at {time}</translation>
    </message>
    <message>
        <source>La liste de travail n&apos;a pas pu être actualisée.</source>
        <translation>The worklist could not be refreshed.</translation>
    </message>
    <message>
        <source>{message} La liste affichée est celle du dernier rafraîchissement réussi.</source>
        <translation>{message} The list shown is from the last successful refresh.</translation>
    </message>
    <message>
        <source>Liste : examens conservés sur ce poste</source>
        <translation>Worklist: studies kept on this workstation</translation>
    </message>
    <message>
        <source>Plateforme connectée</source>
        <translation>Platform connected</translation>
    </message>
    <message>
        <source>Plateforme injoignable</source>
        <translation>Platform unreachable</translation>
    </message>
    <message numerus="yes">
        <source>%n demande(s)</source>
        <translation>
            <numerusform>%n request</numerusform>
            <numerusform>%n requests</numerusform>
        </translation>
    </message>
    <message>
        <source>{count} dont {urgent}</source>
        <translation>{count}, {urgent}</translation>
    </message>
    <message numerus="yes">
        <source>%n urgente(s)</source>
        <translation>
            <numerusform>%n urgent</numerusform>
            <numerusform>%n urgent</numerusform>
        </translation>
    </message>
    <message>
        <source>La demande sélectionnée n&apos;est plus dans la liste filtrée.</source>
        <translation>The selected request is no longer in the filtered list.</translation>
    </message>
    <message>
        <source>L&apos;addendum n&apos;a pas été signé.</source>
        <translation>The addendum has not been signed.</translation>
    </message>
    <message>
        <source>Mot de passe incorrect : l&apos;addendum n&apos;est pas signé.</source>
        <translation>Incorrect password: the addendum is not signed.</translation>
    </message>
    <message>
        <source>Compte rendu envoyé</source>
        <translation>Report sent</translation>
    </message>
    <message>
        <source>Compte rendu signé — en attente d&apos;accusé de réception</source>
        <translation>Report signed — awaiting acknowledgement</translation>
    </message>
    <message>
        <source>La réponse n&apos;a pas pu être enregistrée.</source>
        <translation>The answer could not be saved.</translation>
    </message>
    <message>
        <source>La plateforme a refusé un message.</source>
        <translation>The platform rejected a message.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) en attente d&apos;envoi</source>
        <translation>
            <numerusform>%n message waiting to be sent</numerusform>
            <numerusform>%n messages waiting to be sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refusé(s)</source>
        <translation>
            <numerusform>%n refused</numerusform>
            <numerusform>%n refused</numerusform>
        </translation>
    </message>
    <message>
        <source>Aucun envoi en attente</source>
        <translation>Nothing waiting to be sent</translation>
    </message>
    <message>
        <source>Paramètres enregistrés : ils s&apos;appliqueront au prochain démarrage du poste.</source>
        <translation>Settings saved: they will apply at the next start of the workstation.</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Application</translation>
    </message>
    <message>
        <source>Raccourcis clavier</source>
        <translation>Keyboard shortcuts</translation>
    </message>
</context>
<context>
    <name>Measurements</name>
    <message>
        <source>Rapport de mesures DICOM non enregistré sur la plateforme ({reason}) : les mesures restent dans le compte rendu.</source>
        <translation>DICOM measurement report not saved on the platform ({reason}): the measurements stay in the report.</translation>
    </message>
    <message>
        <source>Rapport de mesures DICOM non créé : aucune mesure faite sur une image de l&apos;examen.</source>
        <translation>DICOM measurement report not created: no measurement made on an image of the study.</translation>
    </message>
</context>
<context>
    <name>OrderView</name>
    <message>
        <source>non précisée</source>
        <extracomment>Puts a marked sentence in the interface language; the Qt edge passes ``language.text``. The default keeps the French (this module stays Qt-free and its output testable as it is).</extracomment>
        <translation>not specified</translation>
    </message>
    <message>
        <source>{date} à {time}</source>
        <translation>{date} at {time}</translation>
    </message>
    <message>
        <source>non renseigné</source>
        <translation>not given</translation>
    </message>
    <message>
        <source>né(e) le {date}</source>
        <translation>born {date}</translation>
    </message>
    <message>
        <source>née {name}</source>
        <translation>née {name}</translation>
    </message>
    <message>
        <source>né {name}</source>
        <translation>born {name}</translation>
    </message>
    <message>
        <source>prénoms de naissance : {names}</source>
        <translation>birth first names: {names}</translation>
    </message>
    <message>
        <source>INS absent</source>
        <translation>no INS</translation>
    </message>
    <message>
        <source>statut inconnu</source>
        <translation>unknown status</translation>
    </message>
    <message>
        <source>(identité non qualifiée)</source>
        <translation>(identity not qualified)</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Sexe, naissance</source>
        <translation>Sex, birth</translation>
    </message>
    <message>
        <source>{sex}, né(e) le {date}</source>
        <translation>{sex}, born {date}</translation>
    </message>
    <message>
        <source>Lieu de naissance (COG)</source>
        <translation>Place of birth (COG)</translation>
    </message>
    <message>
        <source>INS</source>
        <translation>INS</translation>
    </message>
    <message>
        <source>Allergies</source>
        <translation>Allergies</translation>
    </message>
    <message>
        <source>oui</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>non</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Metformine</source>
        <translation>Metformin</translation>
    </message>
    <message>
        <source>Réaction antérieure à un produit de contraste</source>
        <translation>Previous reaction to a contrast agent</translation>
    </message>
    <message>
        <source>aucune</source>
        <translation>none</translation>
    </message>
    <message>
        <source>non recueilli, force majeure : {reason}</source>
        <translation>not obtained, force majeure: {reason}</translation>
    </message>
    <message>
        <source>Consentement</source>
        <translation>Consent</translation>
    </message>
    <message>
        <source>recueilli</source>
        <translation>obtained</translation>
    </message>
    <message>
        <source>non recueilli</source>
        <translation>not obtained</translation>
    </message>
    <message>
        <source>Demande {number} : illisible</source>
        <translation>Request {number}: unreadable</translation>
    </message>
    <message>
        <source>Demande illisible.</source>
        <translation>Unreadable request.</translation>
    </message>
    <message>
        <source>Contactez le site demandeur ; la demande reste dans la liste de travail.</source>
        <translation>Contact the requesting site; the request stays in the worklist.</translation>
    </message>
    <message>
        <source>URGENT — Demande {number}</source>
        <translation>URGENT — Request {number}</translation>
    </message>
    <message>
        <source>Demande {number}</source>
        <translation>Request {number}</translation>
    </message>
    <message>
        <source>Demande annulée par le site le {when}</source>
        <translation>Request cancelled by the site on {when}</translation>
    </message>
    <message>
        <source>Examen demandé</source>
        <translation>Requested exam</translation>
    </message>
    <message>
        <source>Modalité</source>
        <translation>Modality</translation>
    </message>
    <message>
        <source>Région</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>Précisions</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Demandée le</source>
        <translation>Requested on</translation>
    </message>
    <message>
        <source>Reçue le</source>
        <translation>Received on</translation>
    </message>
    <message>
        <source>N° d&apos;accès</source>
        <translation>Accession no.</translation>
    </message>
    <message>
        <source>Aucun renseignement clinique.</source>
        <translation>No clinical information.</translation>
    </message>
    <message>
        <source>Contexte clinique</source>
        <translation>Clinical context</translation>
    </message>
    <message>
        <source>Question posée (finalité)</source>
        <translation>Clinical question (purpose)</translation>
    </message>
    <message>
        <source>Antécédents</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Poids</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>Taille</source>
        <translation>Height</translation>
    </message>
    <message>
        <source>Grossesse</source>
        <translation>Pregnancy</translation>
    </message>
    <message>
        <source>Éléments de radioprotection et de tolérance</source>
        <translation>Radiation protection and tolerance</translation>
    </message>
    <message>
        <source>Intervenants</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>Médecin demandeur</source>
        <translation>Requesting physician</translation>
    </message>
    <message>
        <source>Téléphone du demandeur</source>
        <translation>Requester&apos;s phone</translation>
    </message>
    <message>
        <source>Médecin responsable du site</source>
        <translation>Site&apos;s responsible physician</translation>
    </message>
    <message>
        <source>Radiologue désigné</source>
        <translation>Assigned radiologist</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Téléphone du site</source>
        <translation>Site phone</translation>
    </message>
    <message>
        <source>non communiqué</source>
        <translation>not given</translation>
    </message>
    <message>
        <source>lot {lot}</source>
        <translation>batch {lot}</translation>
    </message>
    <message>
        <source>Examen réalisé (complément du site)</source>
        <translation>Exam performed (site&apos;s complement)</translation>
    </message>
    <message>
        <source>Réalisé le</source>
        <translation>Performed on</translation>
    </message>
    <message>
        <source>Acte</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Produits administrés</source>
        <translation>Administered products</translation>
    </message>
    <message>
        <source>Équipement</source>
        <translation>Equipment</translation>
    </message>
    <message>
        <source>Conservation des images</source>
        <translation>Image retention</translation>
    </message>
    <message>
        <source>Visualiseur du site</source>
        <translation>Site&apos;s viewer</translation>
    </message>
    <message>
        <source>Décision</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Acceptée</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>Par</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Protocole</source>
        <translation>Protocol</translation>
    </message>
    <message>
        <source>Motif</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Justification</source>
        <translation>Justification</translation>
    </message>
    <message>
        <source>Réponse envoyée</source>
        <translation>Answer sent</translation>
    </message>
    <message>
        <source>Points à vérifier</source>
        <translation>Points to check</translation>
    </message>
    <message>
        <source>Historique</source>
        <translation>History of the request</translation>
    </message>
</context>
<context>
    <name>Outbox</name>
    <message>
        <source>Le disque du poste est plein : rien n&apos;a été mis en file d&apos;envoi. Libérez de l&apos;espace disque (ou prévenez le support) puis recommencez.</source>
        <translation>The workstation&apos;s disk is full: nothing has been queued for sending. Free some disk space (or inform support), then try again.</translation>
    </message>
    <message>
        <source>L&apos;enregistrement sur le poste a échoué : rien n&apos;a été mis en file d&apos;envoi ({reason}).</source>
        <translation>Saving on the workstation failed: nothing has been queued for sending ({reason}).</translation>
    </message>
    <message>
        <source>Disque du poste plein : l&apos;accusé de réception de la plateforme n&apos;a pas pu être enregistré. Les envois sont suspendus et reprendront seuls dès que de l&apos;espace sera libéré ; rien n&apos;est perdu.</source>
        <translation>Workstation disk full: the platform&apos;s acknowledgement could not be saved. Sending is suspended and will resume on its own as soon as space is freed; nothing is lost.</translation>
    </message>
    <message>
        <source>La file d&apos;envoi locale n&apos;a pas pu être lue ou mise à jour : les envois sont suspendus et réessayés automatiquement. Si le message persiste, prévenez le support (n&apos;effacez rien).</source>
        <translation>The local outbox could not be read or updated: sending is suspended and retried automatically. If this message persists, inform support (do not delete anything).</translation>
    </message>
    <message>
        <source>La plateforme a acquitté un autre message que celui envoyé.</source>
        <translation>The platform acknowledged a different message from the one sent.</translation>
    </message>
    <message>
        <source>{message} refusé par la plateforme : {reason}. Corrigez-le puis renvoyez-le.</source>
        <translation>{message} refused by the platform: {reason}. Correct it and send it again.</translation>
    </message>
    <message>
        <source>Envoi impossible pour le moment (erreur interne) : nouvel essai automatique.</source>
        <translation>Cannot send for now (internal error): it will be retried automatically.</translation>
    </message>
    <message>
        <source>Protocole d&apos;imagerie</source>
        <translation>Imaging protocol</translation>
    </message>
    <message>
        <source>Refus de la demande</source>
        <translation>Request refusal</translation>
    </message>
    <message>
        <source>Compte rendu</source>
        <translation>Report</translation>
    </message>
    <message>
        <source>Nouvelle version du compte rendu</source>
        <translation>New version of the report</translation>
    </message>
    <message>
        <source>Tête de chaîne du journal d&apos;audit</source>
        <translation>Audit log chain head</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Le disque du poste est plein : l&apos;enregistrement a échoué. Libérez de l&apos;espace disque (ou prévenez le support) ; rien de ce qui était déjà en file n&apos;est perdu.</source>
        <translation>The workstation&apos;s disk is full: saving failed. Free some disk space (or inform support); nothing already queued is lost.</translation>
    </message>
    <message>
        <source>La file d&apos;envoi locale n&apos;a pas pu être lue ou écrite : nouvel essai automatique. Si le message persiste, prévenez le support (n&apos;effacez rien).</source>
        <translation>The local outbox could not be read or written: it will be retried automatically. If this message persists, inform support (do not delete anything).</translation>
    </message>
    <message>
        <source>Message impossible à mettre en file d&apos;envoi : il n&apos;est pas au format HL7 attendu.</source>
        <translation>The message cannot be queued for sending: it is not in the expected HL7 format.</translation>
    </message>
    <message>
        <source>La file d&apos;envoi a été créée par une autre version du poste : contactez le support.</source>
        <translation>The outbox was created by another version of the workstation: contact support.</translation>
    </message>
    <message>
        <source>La file d&apos;envoi locale est illisible : n&apos;effacez rien et contactez le support.</source>
        <translation>The local outbox is unreadable: do not delete anything and contact support.</translation>
    </message>
    <message>
        <source>La file d&apos;envoi est déjà utilisée par une autre fenêtre du poste : fermez-la d&apos;abord.</source>
        <translation>The outbox is already in use by another window of the workstation: close it first.</translation>
    </message>
    <message>
        <source>Ce message réutilise l&apos;identifiant d&apos;un message déjà en file : il serait ignoré par la plateforme. Il n&apos;a pas été mis en file ; contactez le support.</source>
        <translation>This message reuses the identifier of a message already queued: the platform would ignore it. It has not been queued; contact support.</translation>
    </message>
    <message>
        <source>Seul un message refusé par la plateforme peut être classé.</source>
        <translation>Only a message refused by the platform can be dismissed.</translation>
    </message>
    <message>
        <source>La file d&apos;envoi locale était endommagée : le fichier a été mis de côté (sans rien effacer) dans {folder} et la file a été reconstruite.</source>
        <translation>The local outbox was damaged: the file has been set aside (nothing deleted) in {folder} and the outbox has been rebuilt.</translation>
    </message>
    <message>
        <source>{count} message(s) signé(s) manquant(s) ou altéré(s) ont été récupérés depuis la copie de secours chiffrée et seront envoyés normalement.</source>
        <translation>{count} missing or altered signed message(s) have been recovered from the encrypted backup copy and will be sent normally.</translation>
    </message>
    <message>
        <source>{count} message(s) n&apos;ont pas pu être récupérés : ils sont conservés pour le support et ne seront pas envoyés. Prévenez le support sans attendre.</source>
        <translation>{count} message(s) could not be recovered: they are kept for support and will not be sent. Inform support without delay.</translation>
    </message>
    <message>
        <source>L&apos;historique local de {count} envoi(s) déjà acquitté(s) par la plateforme est perdu (ces messages ont bien été reçus).</source>
        <translation>The local history of {count} message(s) already acknowledged by the platform is lost (these messages were received).</translation>
    </message>
    <message>
        <source>{count} signature(s) interrompue(s) par l&apos;arrêt du poste n&apos;ont pas abouti : rien n&apos;a été envoyé pour elles ; signez à nouveau le compte rendu concerné.</source>
        <translation>{count} signature(s) interrupted by the workstation shutting down did not complete: nothing was sent for them; sign the report concerned again.</translation>
    </message>
</context>
<context>
    <name>Pacs</name>
    <message>
        <source>Connexion chiffrée au PACS « {name} » impossible : certificat ou clé illisible (vérifiez les paramètres TLS).</source>
        <translation>Cannot make an encrypted connection to the PACS “{name}”: certificate or key unreadable (check the TLS settings).</translation>
    </message>
    <message>
        <source>Le PACS « {name} » ne reconnaît pas le titre AE appelé « {called} » : vérifiez le titre AE du PACS dans les paramètres.</source>
        <translation>The PACS “{name}” does not recognise the called AE title “{called}”: check the PACS AE title in the settings.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » ne connaît pas ce poste (titre AE « {calling} ») : il doit être déclaré dans le PACS par son administrateur.</source>
        <translation>The PACS “{name}” does not know this workstation (AE title “{calling}”): its administrator must declare it in the PACS.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » est momentanément surchargé et refuse la connexion : réessayez.</source>
        <translation>The PACS “{name}” is temporarily overloaded and refuses the connection: try again.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » a refusé l&apos;association DICOM ({reason}).</source>
        <translation>The PACS “{name}” rejected the DICOM association ({reason}).</translation>
    </message>
    <message>
        <source>Le PACS « {name} » ne répond pas (délai de {seconds} s dépassé) : vérifiez l&apos;adresse et le port, ou réessayez plus tard.</source>
        <translation>The PACS “{name}” is not responding (timed out after {seconds} s): check the address and port, or try again later.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » a interrompu la connexion DICOM (refus ou erreur réseau).</source>
        <translation>The PACS “{name}” aborted the DICOM connection (refusal or network error).</translation>
    </message>
    <message>
        <source>Adresse du PACS « {name} » inconnue : « {host} » (vérifiez les paramètres).</source>
        <translation>Unknown address for the PACS “{name}”: “{host}” (check the settings).</translation>
    </message>
    <message>
        <source>Connexion refusée par {host}:{port} : le PACS « {name} » n&apos;écoute pas sur ce port ou est arrêté.</source>
        <translation>Connection refused by {host}:{port}: the PACS “{name}” is not listening on this port or is down.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » ne répond pas ({host}:{port}) : réseau coupé, pare-feu ou adresse erronée.</source>
        <translation>The PACS “{name}” is not responding ({host}:{port}): network down, firewall or wrong address.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » est injoignable ({host}:{port}) : {problem}.</source>
        <translation>The PACS “{name}” cannot be reached ({host}:{port}): {problem}.</translation>
    </message>
    <message>
        <source>La connexion chiffrée (TLS) au PACS « {name} » a échoué : certificat non reconnu ou PACS sans TLS sur ce port.</source>
        <translation>The encrypted (TLS) connection to the PACS “{name}” failed: certificate not recognised or no TLS on this port.</translation>
    </message>
    <message>
        <source>La connexion au PACS « {name} » a échoué : réessayez.</source>
        <translation>The connection to the PACS “{name}” failed: try again.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » a interrompu l&apos;échange sans répondre : requête refusée (ce poste, titre AE « {ae} », n&apos;y est peut-être pas autorisé).</source>
        <translation>The PACS “{name}” stopped the exchange without answering: request refused (this workstation, AE title “{ae}”, may not be authorised there).</translation>
    </message>
    <message>
        <source>Le PACS « {name} » a cessé de répondre pendant l&apos;échange (délai de {seconds} s dépassé).</source>
        <translation>The PACS “{name}” stopped responding during the exchange (timed out after {seconds} s).</translation>
    </message>
    <message>
        <source>Le PACS « {name} » ne connaît pas la destination « {ae} » : il faut y déclarer ce poste (titre AE {ae}, port {port}) ou choisir la récupération C-GET.</source>
        <translation>The PACS “{name}” does not know the destination “{ae}”: declare this workstation in it (AE title {ae}, port {port}) or choose C-GET retrieval.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » manque de ressources pour répondre (code 0x{status}) : réessayez.</source>
        <translation>The PACS “{name}” lacks the resources to answer (code 0x{status}): try again.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » a répondu par une erreur (code 0x{status}).</source>
        <translation>The PACS “{name}” answered with an error (code 0x{status}).</translation>
    </message>
    <message>
        <source>Le PACS « {name} » a envoyé des images d&apos;un autre examen ou mal identifiées : elles ont été refusées et l&apos;examen n&apos;est pas affiché.</source>
        <translation>The PACS “{name}” sent images from another study or wrongly identified images: they were rejected and the study is not displayed.</translation>
    </message>
    <message>
        <source>Impossible d&apos;enregistrer les images reçues du PACS (espace disque ou droits).</source>
        <translation>Cannot save the images received from the PACS (disk space or permissions).</translation>
    </message>
    <message>
        <source>Le PACS « {name} » ne détient aucune image de cet examen.</source>
        <translation>The PACS “{name}” holds no images of this study.</translation>
    </message>
    <message>
        <source>Récupération des images annulée.</source>
        <translation>Image retrieval cancelled.</translation>
    </message>
    <message>
        <source>Récupération annulée.</source>
        <translation>Retrieval cancelled.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » n&apos;a pas pu envoyer {count} image(s) de l&apos;examen : examen incomplet, non affiché.</source>
        <translation>The PACS “{name}” could not send {count} image(s) of the study: study incomplete, not displayed.</translation>
    </message>
    <message>
        <source>Récupération C-MOVE chiffrée impossible sans certificat du poste pour la réception : renseignez-le ou choisissez C-GET pour le PACS « {name} ».</source>
        <translation>Encrypted C-MOVE retrieval is not possible without a workstation certificate for receiving: enter it, or choose C-GET for the PACS “{name}”.</translation>
    </message>
    <message>
        <source>Une autre récupération est en cours : réessayez dans un instant.</source>
        <translation>Another retrieval is in progress: try again in a moment.</translation>
    </message>
    <message>
        <source>Le poste ne peut pas recevoir les images sur le port {port} (déjà utilisé ou interdit) : changez le port de réception DICOM dans les paramètres, ou choisissez C-GET.</source>
        <translation>The workstation cannot receive images on port {port} (already in use or not allowed): change the DICOM receiving port in the settings, or choose C-GET.</translation>
    </message>
    <message>
        <source>Le PACS « {name} » a refusé {count} document(s) sur {total} (code {codes}).</source>
        <translation>The PACS “{name}” refused {count} document(s) out of {total} (code {codes}).</translation>
    </message>
    <message>
        <source>Document DICOM illisible : rien n&apos;a été envoyé au PACS.</source>
        <translation>Unreadable DICOM document: nothing was sent to the PACS.</translation>
    </message>
    <message>
        <source>Document DICOM incomplet : rien n&apos;a été envoyé au PACS.</source>
        <translation>Incomplete DICOM document: nothing was sent to the PACS.</translation>
    </message>
</context>
<context>
    <name>PacsSection</name>
    <message>
        <source>Ajouter un PACS</source>
        <translation>Add a PACS</translation>
    </message>
    <message>
        <source>Retirer</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Aucun PACS : les images viennent de la plateforme seule. « Ajouter un PACS » pour interroger aussi celui d&apos;un site en DICOM (C-FIND, C-MOVE ou C-GET).</source>
        <translation>No PACS: images come from the platform only. &quot;Add a PACS&quot; to also query a site&apos;s PACS over DICOM (C-FIND, C-MOVE or C-GET).</translation>
    </message>
    <message>
        <source>C-MOVE : le PACS renvoie les images vers le port de réception du poste (à déclarer dans le PACS). C-GET : tout passe par la connexion ouverte par le poste, aucun port entrant.</source>
        <translation>C-MOVE: the PACS sends the images back to the workstation&apos;s receiving port (to be declared in the PACS). C-GET: everything goes through the connection opened by the workstation, no incoming port.</translation>
    </message>
    <message>
        <source>vide : tous les sites</source>
        <translation>empty: every site</translation>
    </message>
    <message>
        <source>Établissements (MSH-4, ou MSH-3^MSH-4) dont ce PACS détient les examens, séparés par des virgules : seuls leurs patients y sont recherchés. Vide : tous.</source>
        <translation>Facilities (MSH-4, or MSH-3^MSH-4) whose exams this PACS holds, separated by commas: only their patients are searched there. Empty: all.</translation>
    </message>
    <message>
        <source>Ce PACS fournit les examens du jour de ses sites</source>
        <translation>This PACS provides its sites&apos; current exams</translation>
    </message>
    <message>
        <source>Coché : l&apos;examen à lire est récupéré d&apos;abord sur ce PACS, la plateforme servant de secours. Sinon ce PACS n&apos;est interrogé que si la plateforme n&apos;a pas les images de l&apos;examen.</source>
        <translation>Checked: the exam to read is retrieved from this PACS first, the platform serving as a fallback. Otherwise this PACS is queried only if the platform does not have the exam&apos;s images.</translation>
    </message>
    <message>
        <source>Connexion DICOM chiffrée (TLS)</source>
        <translation>Encrypted DICOM connection (TLS)</translation>
    </message>
    <message>
        <source>Tester la connexion</source>
        <translation>Test the connection</translation>
    </message>
    <message>
        <source>Envoie un C-ECHO au PACS avec les valeurs saisies.</source>
        <translation>Sends a C-ECHO to the PACS with the values entered.</translation>
    </message>
    <message>
        <source>Ce poste</source>
        <translation>This workstation</translation>
    </message>
    <message>
        <source>PACS des sites</source>
        <translation>Sites&apos; PACS</translation>
    </message>
    <message>
        <source>Parcourir…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>PACS {number}</source>
        <translation>PACS {number}</translation>
    </message>
    <message>
        <source>Test de la connexion à {host}:{port}…</source>
        <translation>Testing the connection to {host}:{port}…</translation>
    </message>
    <message>
        <source>Connexion réussie ({ms} ms)</source>
        <translation>Connection succeeded ({ms} ms)</translation>
    </message>
    <message>
        <source>Échec du test de connexion : erreur inattendue (détail dans le journal du poste).</source>
        <translation>Connection test failed: unexpected error (details in the workstation&apos;s log).</translation>
    </message>
    <message>
        <source>Échec : {reason}</source>
        <translation>Failed: {reason}</translation>
    </message>
</context>
<context>
    <name>Platform</name>
    <message>
        <source>Identifiant ou mot de passe incorrect.</source>
        <translation>Incorrect username or password.</translation>
    </message>
    <message>
        <source>Code de vérification incorrect.</source>
        <translation>Incorrect verification code.</translation>
    </message>
    <message>
        <source>Ce code de vérification a déjà servi : attendez le suivant.</source>
        <translation>This verification code has already been used: wait for the next one.</translation>
    </message>
    <message>
        <source>Compte temporairement verrouillé après plusieurs échecs : réessayez dans 15 minutes.</source>
        <translation>Account temporarily locked after several failed attempts: try again in 15 minutes.</translation>
    </message>
    <message>
        <source>Votre session a expiré : reconnectez-vous.</source>
        <translation>Your session has expired: please log in again.</translation>
    </message>
    <message>
        <source>Votre compte n&apos;a pas accès à cette fonction de la plateforme.</source>
        <translation>Your account does not have access to this platform function.</translation>
    </message>
    <message>
        <source>Le certificat de la plateforme n&apos;est pas reconnu.</source>
        <translation>The platform&apos;s certificate is not recognised.</translation>
    </message>
    <message>
        <source>Le certificat de la plateforme a expiré.</source>
        <translation>The platform&apos;s certificate has expired.</translation>
    </message>
    <message>
        <source>Le certificat présenté n&apos;est pas celui de la plateforme attendue.</source>
        <translation>The certificate presented is not that of the expected platform.</translation>
    </message>
    <message>
        <source>La connexion sécurisée avec la plateforme a échoué.</source>
        <translation>The secure connection to the platform failed.</translation>
    </message>
    <message>
        <source>{problem} Connexion interrompue pour protéger les données : prévenez votre administrateur.</source>
        <translation>{problem} Connection stopped to protect the data: inform your administrator.</translation>
    </message>
    <message>
        <source>La plateforme ne répond pas (délai dépassé) : réessayez dans un instant.</source>
        <translation>The platform is not responding (timed out): try again in a moment.</translation>
    </message>
    <message>
        <source>La plateforme est injoignable : vérifiez la connexion réseau.</source>
        <translation>The platform cannot be reached: check the network connection.</translation>
    </message>
    <message>
        <source>Échange avec la plateforme impossible.</source>
        <translation>Communication with the platform failed.</translation>
    </message>
    <message>
        <source>Élément introuvable sur la plateforme.</source>
        <translation>Item not found on the platform.</translation>
    </message>
    <message>
        <source>La plateforme a rencontré une erreur ({status}) : réessayez plus tard.</source>
        <translation>The platform encountered an error ({status}): try again later.</translation>
    </message>
    <message>
        <source>Requête refusée par la plateforme ({status}).</source>
        <translation>Request refused by the platform ({status}).</translation>
    </message>
    <message>
        <source>La plateforme a demandé une redirection vers une adresse non chiffrée (http) : refusée, rien n&apos;a été envoyé. Prévenez votre administrateur (serveur mal configuré ou tentative d&apos;interception).</source>
        <translation>The platform asked for a redirection to an unencrypted address (http): refused, nothing was sent. Inform your administrator (misconfigured server or interception attempt).</translation>
    </message>
    <message>
        <source>La plateforme a demandé une redirection vers une autre adresse : refusée, le poste ne suit jamais de redirection (vos identifiants et les données patient ne partent que vers l&apos;adresse configurée).</source>
        <translation>The platform asked for a redirection to another address: refused, the workstation never follows redirections (your credentials and patient data only go to the configured address).</translation>
    </message>
</context>
<context>
    <name>Priors</name>
    <message>
        <source>date inconnue</source>
        <translation>unknown date</translation>
    </message>
    <message>
        <source>modalité inconnue</source>
        <translation>unknown modality</translation>
    </message>
    <message>
        <source>sans description</source>
        <translation>no description</translation>
    </message>
    <message>
        <source>{description} (PACS {name})</source>
        <translation>{description} (PACS {name})</translation>
    </message>
    <message>
        <source>{date} — {modalities} — {description}</source>
        <translation>{date} — {modalities} — {description}</translation>
    </message>
    <message>
        <source>{count} images</source>
        <translation>{count} images</translation>
    </message>
    <message>
        <source>{count} image</source>
        <translation>{count} image</translation>
    </message>
    <message>
        <source>{date} — {modalities} — {description} — {images}</source>
        <translation>{date} — {modalities} — {description} — {images}</translation>
    </message>
    <message>
        <source>Recherche des examens antérieurs impossible : l&apos;identifiant du patient est absent ou invalide dans les images.</source>
        <translation>Cannot search for prior studies: the patient identifier is missing or invalid in the images.</translation>
    </message>
    <message>
        <source>Impossible de rechercher les examens antérieurs : {problem}</source>
        <translation>Cannot search for prior studies: {problem}</translation>
    </message>
    <message>
        <source>Impossible de rechercher les examens antérieurs : réponse illisible de la plateforme.</source>
        <translation>Cannot search for prior studies: unreadable reply from the platform.</translation>
    </message>
    <message>
        <source>Une image de l&apos;examen antérieur est illisible : examen non affiché.</source>
        <translation>An image of the prior study is unreadable: study not displayed.</translation>
    </message>
    <message>
        <source>La plateforme a renvoyé une image d&apos;un autre examen : examen antérieur non affiché.</source>
        <translation>The platform returned an image from another study: prior study not displayed.</translation>
    </message>
    <message>
        <source>Les images de l&apos;examen antérieur portent un autre identifiant patient : examen non affiché, signalez-le au site.</source>
        <translation>The prior study&apos;s images carry another patient identifier: study not displayed, report it to the site.</translation>
    </message>
    <message>
        <source>Impossible de télécharger l&apos;examen antérieur de date inconnue : {problem}</source>
        <translation>Cannot download the undated prior study: {problem}</translation>
    </message>
    <message>
        <source>Impossible de télécharger l&apos;examen antérieur du {date} : {problem}</source>
        <translation>Cannot download the prior study of {date}: {problem}</translation>
    </message>
    <message>
        <source>Téléchargement de l&apos;examen antérieur annulé.</source>
        <translation>Prior study download cancelled.</translation>
    </message>
    <message>
        <source>identifiant d&apos;examen invalide.</source>
        <translation>invalid study identifier.</translation>
    </message>
    <message>
        <source>Impossible d&apos;enregistrer les images de l&apos;examen antérieur (espace disque ou droits insuffisants).</source>
        <translation>Cannot save the prior study&apos;s images (insufficient disk space or permissions).</translation>
    </message>
    <message>
        <source>Impossible de rechercher les examens antérieurs sur le PACS « {name} » : {problem}</source>
        <translation>Cannot search for prior studies on the PACS “{name}”: {problem}</translation>
    </message>
    <message>
        <source>Le PACS « {name} » n&apos;est plus configuré sur ce poste.</source>
        <translation>The PACS “{name}” is no longer configured on this workstation.</translation>
    </message>
</context>
<context>
    <name>Reading</name>
    <message>
        <source>Les images de cet examen ne sont pas encore disponibles.</source>
        <translation>The images of this study are not available yet.</translation>
    </message>
    <message>
        <source>La demande d&apos;origine est introuvable.</source>
        <translation>The original request cannot be found.</translation>
    </message>
    <message>
        <source>Téléchargement des images annulé.</source>
        <translation>Image download cancelled.</translation>
    </message>
    <message>
        <source>Le disque du poste est plein : le compte rendu n&apos;a PAS été signé ni mis en file d&apos;envoi. Le brouillon est conservé ; libérez de l&apos;espace disque (ou prévenez le support) puis signez à nouveau.</source>
        <translation>The workstation&apos;s disk is full: the report has NOT been signed or queued for sending. The draft is kept; free some disk space (or inform support), then sign again.</translation>
    </message>
    <message>
        <source>Le compte rendu n&apos;a PAS été signé ni mis en file d&apos;envoi : {reason} Le brouillon est conservé ; signez à nouveau.</source>
        <translation>The report has NOT been signed or queued for sending: {reason} The draft is kept; sign again.</translation>
    </message>
    <message>
        <source>Des images de l&apos;examen sont encore en cours de réception ({done}/{total}) : le compte rendu se signe sur l&apos;examen complet. Patientez ou rouvrez l&apos;examen pour reprendre le téléchargement.</source>
        <translation>Some images of the exam are still being received ({done}/{total}): the report is signed on the complete exam. Wait, or reopen the exam to resume the download.</translation>
    </message>
    <message>
        <source>Des images reçues après l&apos;ouverture nomment un autre patient que celles vérifiées à l&apos;ouverture : signature bloquée. Rouvrez l&apos;examen pour contrôler l&apos;identité sur toutes les images.</source>
        <translation>Images received after opening name another patient than those checked at opening: signature blocked. Reopen the exam to check the identity on every image.</translation>
    </message>
    <message>
        <source>L&apos;examen est en cours d&apos;acquisition : le compte rendu se signe après le complément post-examen du site (flux 4), sur l&apos;examen complet.</source>
        <translation>The exam is being acquired: the report is signed after the site&apos;s post-exam complement (flux 4), on the complete exam.</translation>
    </message>
</context>
<context>
    <name>ReadingComparison</name>
    <message>
        <source>Lier</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>Lier le défilement de l&apos;antérieur à celui de l&apos;examen du jour (Shift+L). Repères différents : alignez d&apos;abord un repère anatomique sur les deux examens.</source>
        <translation>Link the prior&apos;s scrolling to today&apos;s study (Shift+L). Different frames of reference: first align an anatomical landmark on both studies.</translation>
    </message>
    <message>
        <source>Fenêtre liée</source>
        <translation>Linked window</translation>
    </message>
    <message>
        <source>Zoom lié</source>
        <translation>Linked zoom</translation>
    </message>
    <message>
        <source>Réaligner sur les coupes affichées</source>
        <translation>Realign on the slices shown</translation>
    </message>
    <message>
        <source>Protocole…</source>
        <translation>Protocol…</translation>
    </message>
    <message>
        <source>Protocoles d&apos;affichage : étape précédente (,), suivante (.), enregistrer la disposition actuelle</source>
        <translation>Hanging protocols: previous stage (,), next (.), save the current layout</translation>
    </message>
    <message>
        <source>Étape précédente (,)</source>
        <translation>Previous stage (,)</translation>
    </message>
    <message>
        <source>Étape suivante (.)</source>
        <translation>Next stage (.)</translation>
    </message>
    <message>
        <source>Enregistrer la disposition comme protocole…</source>
        <translation>Save the layout as a protocol…</translation>
    </message>
    <message>
        <source>Image clé</source>
        <translation>Key image</translation>
    </message>
    <message>
        <source>Étape suivante</source>
        <translation>Next stage</translation>
    </message>
    <message>
        <source>Étape précédente</source>
        <translation>Previous stage</translation>
    </message>
    <message>
        <source>Lier l&apos;antérieur</source>
        <translation>Link the prior</translation>
    </message>
    <message>
        <source>Protocole : aucun</source>
        <translation>Protocol: none</translation>
    </message>
    <message>
        <source>Protocole : {name} — {stage} ({index}/{count})</source>
        <translation>Protocol: {name} — {stage} ({index}/{count})</translation>
    </message>
    <message>
        <source>Disposition enregistrée</source>
        <translation>Saved layout</translation>
    </message>
    <message>
        <source>Enregistrer la disposition</source>
        <translation>Save the layout</translation>
    </message>
    <message>
        <source>Nom du protocole d&apos;affichage :</source>
        <translation>Hanging protocol name:</translation>
    </message>
    <message>
        <source>Protocole « {name} » enregistré.</source>
        <translation>Protocol “{name}” saved.</translation>
    </message>
    <message>
        <source>Image clé : choisissez une image acquise de l&apos;examen du jour (pas une reconstruction).</source>
        <translation>Key image: choose an acquired image of today&apos;s study (not a reformat).</translation>
    </message>
    <message>
        <source>Image clé ajoutée : {series}, image {number}</source>
        <translation>Key image added: {series}, image {number}</translation>
    </message>
    <message>
        <source>Image clé retirée : {series}, image {number}</source>
        <translation>Key image removed: {series}, image {number}</translation>
    </message>
    <message numerus="yes">
        <source>Images clés (%n)</source>
        <translation>
            <numerusform>Key images (%n)</numerusform>
            <numerusform>Key images (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Marquer l&apos;image affichée : K. Les images clés sont enregistrées avec l&apos;examen à la signature et citées dans le compte rendu.</source>
        <translation>Mark the image shown: K. Key images are saved with the study on signing and cited in the report.</translation>
    </message>
    <message>
        <source>Aucune image clé (K pour marquer l&apos;image affichée)</source>
        <translation>No key images (K to mark the image shown)</translation>
    </message>
    <message>
        <source>{series}, image {number}</source>
        <translation>{series}, image {number}</translation>
    </message>
    <message>
        <source>★ Image clé</source>
        <translation>★ Key image</translation>
    </message>
</context>
<context>
    <name>ReadingPage</name>
    <message>
        <source>Identité confirmée par le site…</source>
        <translation>Identity confirmed by the site…</translation>
    </message>
    <message>
        <source>Identité provisoire : signer avec la mention…</source>
        <translation>Provisional identity: sign with the statement…</translation>
    </message>
    <message>
        <source>Refuser l&apos;examen…</source>
        <translation>Refuse the exam…</translation>
    </message>
    <message>
        <source>Refuser après lecture (images inadaptées, qualité insuffisante…)</source>
        <translation>Refuse after reading (unsuitable images, insufficient quality…)</translation>
    </message>
    <message>
        <source>Signer et envoyer</source>
        <translation>Sign and send</translation>
    </message>
    <message>
        <source>Contrôler, signer et envoyer le compte rendu (Ctrl+Entrée)</source>
        <translation>Check, sign and send the report (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Examens antérieurs du même patient sur la plateforme</source>
        <translation>Prior studies of the same patient on the platform</translation>
    </message>
    <message>
        <source>Comparer</source>
        <translation>Compare</translation>
    </message>
    <message>
        <source>Afficher l&apos;examen antérieur choisi à côté de l&apos;examen du jour</source>
        <translation>Show the chosen prior study beside today&apos;s study</translation>
    </message>
    <message>
        <source>Retour à la liste</source>
        <translation>Back to the worklist</translation>
    </message>
    <message>
        <source>Fermer l&apos;examen ; le brouillon non signé est abandonné (Ctrl+W)</source>
        <translation>Close the exam; the unsigned draft is discarded (Ctrl+W)</translation>
    </message>
    <message>
        <source>Compte rendu</source>
        <translation>Report</translation>
    </message>
    <message>
        <source>Afficher ou masquer le compte rendu à côté des images (F9)</source>
        <translation>Show or hide the report beside the images (F9)</translation>
    </message>
    <message>
        <source>demande n° {number}</source>
        <translation>request no. {number}</translation>
    </message>
    <message>
        <source>{identity} — visionneuse — Téléradiologie</source>
        <translation>{identity} — viewer — Teleradiology</translation>
    </message>
    <message>
        <source>Téléradiologie — visionneuse</source>
        <translation>Teleradiology — viewer</translation>
    </message>
    <message>
        <source>Récupération des images…</source>
        <translation>Retrieving the images…</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) lue(s) dans le cache chiffré du poste</source>
        <translation>
            <numerusform>%n image read from the workstation&apos;s encrypted cache</numerusform>
            <numerusform>%n images read from the workstation&apos;s encrypted cache</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) reçue(s) de la plateforme</source>
        <translation>
            <numerusform>%n image received from the platform</numerusform>
            <numerusform>%n images received from the platform</numerusform>
        </translation>
    </message>
    <message>
        <source>Récupération des images : {done}/{total}</source>
        <translation>Retrieving images: {done}/{total}</translation>
    </message>
    <message numerus="yes">
        <source>Acquisition en cours : %n image(s) déjà reçue(s) ; rouvrez l&apos;examen pour les suivantes.</source>
        <translation>
            <numerusform>Acquisition in progress: %n image already received; reopen the exam for the next ones.</numerusform>
            <numerusform>Acquisition in progress: %n images already received; reopen the exam for the next ones.</numerusform>
        </translation>
    </message>
    <message>
        <source>Images complémentaires demandées au site ({request}) ; le dossier les attend.</source>
        <translation>Complementary images requested from the site ({request}); the case awaits them.</translation>
    </message>
    <message>
        <source>Antérieur : {prior}</source>
        <translation>Prior: {prior}</translation>
    </message>
    <message>
        <source>Examens antérieurs indisponibles.</source>
        <translation>Prior studies unavailable.</translation>
    </message>
    <message>
        <source>{status} — antérieurs : {message}</source>
        <translation>{status} — priors: {message}</translation>
    </message>
    <message>
        <source>Récupération de l&apos;antérieur du {date}…</source>
        <translation>Retrieving the prior study of {date}…</translation>
    </message>
    <message>
        <source>Identité provisoire</source>
        <translation>Provisional identity</translation>
    </message>
    <message>
        <source>Le site n&apos;a transmis aucune INS pour ce patient. Le compte rendu sera signé sur l&apos;identité provisoire, avec une mention explicite, et l&apos;acte sera tracé. Continuer ?</source>
        <translation>The site sent no INS for this patient. The report will be signed on the provisional identity, with an explicit statement, and the action will be logged. Continue?</translation>
    </message>
    <message>
        <source>Patient : {patient}
Examen : {exam}

Confirmez votre signature par votre mot de passe
(vérifié par la plateforme, ou sur ce poste en mode dégradé) :</source>
        <translation>Patient: {patient}
Exam: {exam}

Confirm your signature with your password
(checked by the platform, or on this workstation in degraded mode):</translation>
    </message>
    <message>
        <source>Compte rendu non signé</source>
        <translation>Unsigned report</translation>
    </message>
    <message>
        <source>Le compte rendu a été modifié et n&apos;est pas signé : le brouillon sera abandonné. Fermer l&apos;examen ?</source>
        <translation>The report has been changed and is not signed: the draft will be discarded. Close the exam?</translation>
    </message>
    <message>
        <source>Antérieur affiché : {prior} ({images})</source>
        <translation>Prior shown: {prior} ({images})</translation>
    </message>
    <message>
        <source>Téléexpertise…</source>
        <translation>Tele-expertise…</translation>
    </message>
    <message>
        <source>Demander un avis à un confrère (téléexpertise)</source>
        <translation>Ask a colleague for an opinion (tele-expertise)</translation>
    </message>
    <message>
        <source>Images complémentaires…</source>
        <translation>Complementary images…</translation>
    </message>
    <message>
        <source>Demander des images complémentaires au site</source>
        <translation>Request complementary images from the site</translation>
    </message>
    <message>
        <source>Annonce…</source>
        <translation>Announcement…</translation>
    </message>
    <message>
        <source>Annonce d&apos;un pronostic grave : noter comment le demandeur en a été informé</source>
        <translation>Announcement of a poor prognosis: record how the requester was informed</translation>
    </message>
    <message>
        <source>Annonce (notée)…</source>
        <translation>Announcement (recorded)…</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
    <message>
        <source>L&apos;examen antérieur n&apos;a pas pu être récupéré.</source>
        <translation>The prior study could not be retrieved.</translation>
    </message>
    <message>
        <source>{identity}
ANTÉRIEUR {prior}</source>
        <translation>{identity}
PRIOR {prior}</translation>
    </message>
    <message>
        <source>L&apos;examen n&apos;a pas pu être ouvert.</source>
        <translation>The exam could not be opened.</translation>
    </message>
    <message>
        <source>non vérifiée</source>
        <translation>not checked</translation>
    </message>
    <message>
        <source>⚠ Discordance d&apos;identité entre la demande et les images : {detail}. La rédaction est bloquée : faites confirmer l&apos;identité par le site, ou refusez l&apos;examen.</source>
        <translation>⚠ Identity mismatch between the request and the images: {detail}. Reporting is blocked: have the site confirm the identity, or refuse the exam.</translation>
    </message>
    <message>
        <source>✓ Identité vérifiée : {detail}</source>
        <translation>✓ Identity checked: {detail}</translation>
    </message>
    <message>
        <source>✓ Identité vérifiée</source>
        <translation>✓ Identity checked</translation>
    </message>
    <message>
        <source>Identité confirmée par le site</source>
        <translation>Identity confirmed by the site</translation>
    </message>
    <message>
        <source>Qui a confirmé l&apos;identité, et comment (sera inscrit comme incident dans le compte rendu) :</source>
        <translation>Who confirmed the identity, and how (will be recorded as an incident in the report, in French):</translation>
    </message>
    <message>
        <source>Signature du compte rendu</source>
        <translation>Report signature</translation>
    </message>
    <message>
        <source>Signer et envoyer le compte rendu ?

Patient : {patient}
Examen : {exam}</source>
        <translation>Sign and send the report?

Patient: {patient}
Exam: {exam}</translation>
    </message>
    <message>
        <source>Mot de passe incorrect : le compte rendu n&apos;est pas signé.</source>
        <translation>Wrong password: the report is not signed.</translation>
    </message>
    <message>
        <source>Signature refusée : {issues}</source>
        <translation>Signature refused: {issues}</translation>
    </message>
    <message>
        <source>La signature a échoué ; le brouillon est conservé.</source>
        <translation>Signing failed; the draft is kept.</translation>
    </message>
</context>
<context>
    <name>Selftest</name>
    <message>
        <source>inconnue</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>implicite petit-boutiste (non compressé)</source>
        <translation>implicit little endian (uncompressed)</translation>
    </message>
    <message>
        <source>explicite petit-boutiste (non compressé)</source>
        <translation>explicit little endian (uncompressed)</translation>
    </message>
    <message>
        <source>explicite gros-boutiste (non compressé)</source>
        <translation>explicit big endian (uncompressed)</translation>
    </message>
    <message>
        <source>explicite petit-boutiste comprimé (deflate)</source>
        <translation>explicit little endian, compressed (deflate)</translation>
    </message>
    <message>
        <source>JPEG de base 8 bits (avec perte)</source>
        <translation>JPEG baseline 8-bit (lossy)</translation>
    </message>
    <message>
        <source>JPEG étendu 12 bits (avec perte)</source>
        <translation>JPEG extended 12-bit (lossy)</translation>
    </message>
    <message>
        <source>JPEG à sélection spectrale (avec perte, retiré)</source>
        <translation>JPEG spectral selection (lossy, retired)</translation>
    </message>
    <message>
        <source>JPEG progressif (avec perte, retiré)</source>
        <translation>JPEG progressive (lossy, retired)</translation>
    </message>
    <message>
        <source>JPEG sans perte</source>
        <translation>JPEG lossless</translation>
    </message>
    <message>
        <source>JPEG sans perte, prédicteur 1</source>
        <translation>JPEG lossless, predictor 1</translation>
    </message>
    <message>
        <source>JPEG-LS sans perte</source>
        <translation>JPEG-LS lossless</translation>
    </message>
    <message>
        <source>JPEG-LS quasi sans perte</source>
        <translation>JPEG-LS near-lossless</translation>
    </message>
    <message>
        <source>JPEG 2000 sans perte</source>
        <translation>JPEG 2000 lossless</translation>
    </message>
    <message>
        <source>HTJ2K sans perte</source>
        <translation>HTJ2K lossless</translation>
    </message>
    <message>
        <source>HTJ2K sans perte (RPCL)</source>
        <translation>HTJ2K lossless (RPCL)</translation>
    </message>
    <message>
        <source>RLE sans perte</source>
        <translation>RLE lossless</translation>
    </message>
    <message>
        <source>[AVERT]</source>
        <translation>[WARN ]</translation>
    </message>
    <message>
        <source>[ÉCHEC]</source>
        <translation>[FAIL ]</translation>
    </message>
    <message>
        <source>{tag} {label} : {detail}</source>
        <translation>{tag} {label}: {detail}</translation>
    </message>
    <message>
        <source>Résultat : le poste N&apos;EST PAS prêt ({checks} vérifications, {failures} en échec, {warnings} avertissement(s)).</source>
        <translation>Result: the workstation is NOT ready ({checks} checks, {failures} failed, {warnings} warning(s)).</translation>
    </message>
    <message>
        <source>Résultat : le poste est prêt ({checks} vérifications, {failures} en échec, {warnings} avertissement(s)).</source>
        <translation>Result: the workstation is ready ({checks} checks, {failures} failed, {warnings} warning(s)).</translation>
    </message>
    <message>
        <source>application empaquetée</source>
        <translation>packaged application</translation>
    </message>
    <message>
        <source>environnement Python</source>
        <translation>Python environment</translation>
    </message>
    <message>
        <source>Autotest du poste de téléradiologie {version} ({kind})</source>
        <translation>Teleradiology workstation self-test {version} ({kind})</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Versions</translation>
    </message>
    <message>
        <source>version de l&apos;application inconnue (métadonnées du paquet absentes) ; {versions} ; {system}</source>
        <translation>application version unknown (package metadata missing); {versions}; {system}</translation>
    </message>
    <message>
        <source>métadonnées absentes pour {names} ; {versions} ; {system}</source>
        <translation>metadata missing for {names}; {versions}; {system}</translation>
    </message>
    <message>
        <source>{versions} ; {system}</source>
        <translation>{versions}; {system}</translation>
    </message>
    <message>
        <source>Paramètres</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>plateforme {url}, cache {cache}</source>
        <translation>platform {url}, cache {cache}</translation>
    </message>
    <message>
        <source>échec du décodage ({cause})</source>
        <translation>decoding failed ({cause})</translation>
    </message>
    <message>
        <source>image de forme {shape} au lieu de {expected}</source>
        <translation>image of shape {shape} instead of {expected}</translation>
    </message>
    <message>
        <source>{count} pixels différents de l&apos;original</source>
        <translation>{count} pixels differ from the original</translation>
    </message>
    <message>
        <source>restituée à l&apos;identique</source>
        <translation>decoded exactly</translation>
    </message>
    <message>
        <source>écart moyen {mean:.1%}, maximal {worst:.1%} : image altérée</source>
        <translation>mean deviation {mean:.1%}, maximum {worst:.1%}: image altered</translation>
    </message>
    <message>
        <source>restituée avec perte attendue (écart moyen {mean:.1%})</source>
        <translation>decoded with the expected loss (mean deviation {mean:.1%})</translation>
    </message>
    <message>
        <source>image de test impossible à écrire ({error} : {cause})</source>
        <translation>test image could not be written ({error}: {cause})</translation>
    </message>
    <message>
        <source>en-tête illisible : {problem}</source>
        <translation>unreadable header: {problem}</translation>
    </message>
    <message>
        <source>Décodeur {name}</source>
        <translation>Decoder {name}</translation>
    </message>
    <message>
        <source>{backend}, image {size}×{size} {result} ; flux JPEG 2000 partie 1, aucun encodeur HTJ2K disponible ({uid})</source>
        <translation>{backend}, {size}×{size} image: {result}; JPEG 2000 Part 1 codestream, no HTJ2K encoder available ({uid})</translation>
    </message>
    <message>
        <source>{backend}, image {size}×{size} {result} ({uid})</source>
        <translation>{backend}, {size}×{size} image: {result} ({uid})</translation>
    </message>
    <message>
        <source>Décodage dans les processus auxiliaires</source>
        <translation>Decoding in worker processes</translation>
    </message>
    <message>
        <source>le processus de décodage n&apos;a pas abouti ({error})</source>
        <translation>the decoding process did not complete ({error})</translation>
    </message>
    <message>
        <source>{count} syntaxes mal décodées hors du processus principal : {syntaxes}</source>
        <translation>{count} syntaxes decoded wrongly outside the main process: {syntaxes}</translation>
    </message>
    <message>
        <source>{count} syntaxes compressées décodées à l&apos;identique par un processus « spawn » ({seconds:.1f} s, démarrage compris)</source>
        <translation>{count} compressed syntaxes decoded exactly by a “spawn” process ({seconds:.1f} s, start-up included)</translation>
    </message>
    <message>
        <source>Modules de l&apos;application</source>
        <translation>Application modules</translation>
    </message>
    <message>
        <source>import impossible ({error})</source>
        <translation>import failed ({error})</translation>
    </message>
    <message>
        <source>{count} module(s) introuvable(s) ou en erreur : {modules}</source>
        <translation>{count} module(s) missing or failing: {modules}</translation>
    </message>
    <message>
        <source>{count} modules importés sans erreur ({seconds:.1f} s)</source>
        <translation>{count} modules imported without error ({seconds:.1f} s)</translation>
    </message>
    <message>
        <source>Modèles et référentiels</source>
        <translation>Templates and reference data</translation>
    </message>
    <message>
        <source>données de l&apos;application illisibles ({error} : {cause})</source>
        <translation>application data unreadable ({error}: {cause})</translation>
    </message>
    <message>
        <source>données incomplètes : {templates} modèles, {protocols} protocoles, terminologie absente</source>
        <translation>incomplete data: {templates} templates, {protocols} protocols, terminology missing</translation>
    </message>
    <message>
        <source>données incomplètes : {templates} modèles, {protocols} protocoles, terminologie lue</source>
        <translation>incomplete data: {templates} templates, {protocols} protocols, terminology read</translation>
    </message>
    <message>
        <source>{templates} modèles de compte rendu, {protocols} protocoles d&apos;examen, terminologie lue</source>
        <translation>{templates} report templates, {protocols} examination protocols, terminology read</translation>
    </message>
    <message>
        <source>Langues de l&apos;interface</source>
        <translation>Interface languages</translation>
    </message>
    <message>
        <source>fichiers de traduction absents ou illisibles : {files}</source>
        <translation>translation files missing or unreadable: {files}</translation>
    </message>
    <message>
        <source>{languages} (fichiers de traduction lus)</source>
        <translation>{languages} (translation files read)</translation>
    </message>
    <message>
        <source>code de sortie {code}</source>
        <translation>exit code {code}</translation>
    </message>
    <message>
        <source>aucune réponse en {timeout:.0f} s</source>
        <translation>no answer within {timeout:.0f} s</translation>
    </message>
    <message>
        <source>processus arrêté par le signal {signal} : {cause}</source>
        <translation>process killed by signal {signal}: {cause}</translation>
    </message>
    <message>
        <source>Affichage (Qt)</source>
        <translation>Display (Qt)</translation>
    </message>
    <message>
        <source>Qt {qt}, plateforme « {platform} », {count} écran(s) : aucun écran</source>
        <translation>Qt {qt}, platform “{platform}”, {count} screen(s): no screen</translation>
    </message>
    <message>
        <source>{width}×{height} ({depth} bits, principal)</source>
        <translation>{width}×{height} ({depth}-bit, primary)</translation>
    </message>
    <message>
        <source>{width}×{height} ({depth} bits)</source>
        <translation>{width}×{height} ({depth}-bit)</translation>
    </message>
    <message>
        <source>Qt {qt}, plateforme « {platform} », {count} écran(s) : {screens}</source>
        <translation>Qt {qt}, platform “{platform}”, {count} screen(s): {screens}</translation>
    </message>
    <message>
        <source>aucun affichage : ni DISPLAY ni WAYLAND_DISPLAY ne sont définis (session graphique requise)</source>
        <translation>no display: neither DISPLAY nor WAYLAND_DISPLAY is set (a graphical session is required)</translation>
    </message>
    <message>
        <source>Qt ne démarre pas ({error})</source>
        <translation>Qt does not start ({error})</translation>
    </message>
    <message>
        <source>Rendu 3D (VTK)</source>
        <translation>3D rendering (VTK)</translation>
    </message>
    <message>
        <source>rendu inconnu</source>
        <translation>unknown renderer</translation>
    </message>
    <message>
        <source>VTK {vtk}, image {size}×{size} hors écran relue conforme ; {gl}</source>
        <translation>VTK {vtk}, {size}×{size} offscreen image read back as drawn; {gl}</translation>
    </message>
    <message>
        <source>VTK {vtk} : l&apos;image relue ne correspond pas au dessin (centre {centre}, coin {corner}) ; {gl}</source>
        <translation>VTK {vtk}: the image read back does not match the drawing (centre {centre}, corner {corner}); {gl}</translation>
    </message>
    <message>
        <source>le rendu hors écran a échoué ({error})</source>
        <translation>offscreen rendering failed ({error})</translation>
    </message>
    <message>
        <source>Calibration GSDF des écrans</source>
        <translation>GSDF screen calibration</translation>
    </message>
    <message>
        <source>« {screen} » non calibré</source>
        <translation>“{screen}” not calibrated</translation>
    </message>
    <message>
        <source>« {screen} » calibré le {date}, {low}–{high} cd/m², paliers TG18-LN à {dev} %</source>
        <translation>“{screen}” calibrated on {date}, {low}–{high} cd/m², TG18-LN steps within {dev}%</translation>
    </message>
    <message>
        <source>{text} : hors tolérance</source>
        <translation>{text}: out of tolerance</translation>
    </message>
    <message>
        <source>{text} : à refaire (plus de {days} jours)</source>
        <translation>{text}: to be redone (more than {days} days)</translation>
    </message>
    <message>
        <source>aucun écran calibré</source>
        <translation>no calibrated screen</translation>
    </message>
    <message>
        <source>Trousseau sécurisé</source>
        <translation>Secure keyring</translation>
    </message>
    <message>
        <source>aucun trousseau du système acceptable : en mode démonstration, les secrets restent en mémoire et rien n&apos;est conservé entre deux démarrages</source>
        <translation>no acceptable system keyring: in demonstration mode, secrets stay in memory and nothing is kept from one start to the next</translation>
    </message>
    <message>
        <source>le trousseau du système est inutilisable ({error})</source>
        <translation>the system keyring is unusable ({error})</translation>
    </message>
    <message>
        <source>{backend}, accessible</source>
        <translation>{backend}, accessible</translation>
    </message>
    <message>
        <source>Plateforme</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>{url} joignable (certificat vérifié)</source>
        <translation>{url} reachable (certificate verified)</translation>
    </message>
    <message>
        <source>{url} injoignable : le poste fonctionnera en mode dégradé (examens en cache, envois mis en file d&apos;attente)</source>
        <translation>{url} unreachable: the workstation will work in degraded mode (cached examinations, uploads queued)</translation>
    </message>
    <message>
        <source>File d&apos;envoi</source>
        <translation>Outbox</translation>
    </message>
    <message>
        <source>endommagée ({integrity}) ; {missing} message(s) signé(s) absent(s) de la file : lancez « python -m workstation.outbox recover » poste fermé, ou prévenez le support</source>
        <translation>damaged ({integrity}); {missing} signed message(s) missing from the outbox: run “python -m workstation.outbox recover” with the workstation closed, or inform support</translation>
    </message>
    <message>
        <source>{pending} message(s) en attente, envois suspendus : {problem}</source>
        <translation>{pending} message(s) waiting, sending suspended: {problem}</translation>
    </message>
    <message>
        <source>intacte ({pending} en attente) ; {count} fichier(s) endommagé(s) conservé(s) pour le support ({folder})</source>
        <translation>intact ({pending} waiting); {count} damaged file(s) kept for support ({folder})</translation>
    </message>
    <message>
        <source>intacte, {pending} message(s) en attente d&apos;envoi</source>
        <translation>intact, {pending} message(s) waiting to be sent</translation>
    </message>
    <message>
        <source>erreur inattendue ({error} : {cause})</source>
        <translation>unexpected error ({error}: {cause})</translation>
    </message>
    <message>
        <source>Vérification « {name} »</source>
        <translation>Check “{name}”</translation>
    </message>
    <message>
        <source>modules de lecture DICOM absents ({error} : {cause})</source>
        <translation>DICOM reading modules missing ({error}: {cause})</translation>
    </message>
    <message>
        <source>Décodeurs DICOM</source>
        <translation>DICOM decoders</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Adresse HTTPS de la plateforme de téléradiologie.</source>
        <translation>HTTPS address of the teleradiology platform.</translation>
    </message>
    <message>
        <source>Certificat de l&apos;autorité (PEM) qui signe le certificat de la plateforme ; vide : autorités du système.</source>
        <translation>Certificate (PEM) of the authority that signs the platform&apos;s certificate; empty: the system&apos;s authorities.</translation>
    </message>
    <message>
        <source>Délai maximal d&apos;une requête vers la plateforme, en secondes.</source>
        <translation>Maximum time for a request to the platform, in seconds.</translation>
    </message>
    <message>
        <source>Intervalle de rafraîchissement automatique de la liste de travail.</source>
        <translation>Automatic refresh interval of the worklist.</translation>
    </message>
    <message>
        <source>Verrouillage de la session après ce nombre de minutes d&apos;inactivité.</source>
        <translation>The session locks after this many minutes of inactivity.</translation>
    </message>
    <message>
        <source>Taille maximale du cache local des examens, en gigaoctets.</source>
        <translation>Maximum size of the local study cache, in gigabytes.</translation>
    </message>
    <message>
        <source>Dossier du cache local chiffré des examens.</source>
        <translation>Folder of the encrypted local study cache.</translation>
    </message>
    <message>
        <source>Dictionnaire personnel du correcteur orthographique du compte rendu (un mot par ligne).</source>
        <translation>Personal dictionary of the report&apos;s spell checker (one word per line).</translation>
    </message>
    <message>
        <source>Organisation de téléradiologie des radiologues de ce poste, nommée dans le compte rendu (vide : non indiquée).</source>
        <translation>Teleradiology organisation of this workstation&apos;s radiologists, named in the report (empty: not stated).</translation>
    </message>
    <message>
        <source>Identifiant national de cette organisation : 1 suivi du FINESS, ou 3 suivi du SIRET (vide : non indiqué).</source>
        <translation>National identifier of this organisation: 1 followed by the FINESS number, or 3 followed by the SIRET number (empty: not stated).</translation>
    </message>
    <message>
        <source>Adresse du lieu d&apos;exercice du radiologue de ce poste, écrite dans les mentions du compte rendu (vide : non indiquée).</source>
        <translation>Address of the practice of this workstation&apos;s radiologist, written in the report&apos;s mentions (empty: not given).</translation>
    </message>
    <message>
        <source>Pays d&apos;exercice du radiologue de ce poste ; un autre pays que la France est écrit dans le compte rendu (téléradiologie depuis l&apos;étranger).</source>
        <translation>Country of practice of this workstation&apos;s radiologist; a country other than France is written in the report (teleradiology from abroad).</translation>
    </message>
    <message>
        <source>Titre AE DICOM du poste (appelant pour les requêtes ; destination des C-MOVE, à déclarer dans le PACS).</source>
        <translation>The workstation&apos;s DICOM AE title (calling AE for queries; C-MOVE destination, to be declared in the PACS).</translation>
    </message>
    <message>
        <source>Adresse sur laquelle le poste reçoit les images d&apos;un C-MOVE (récepteur temporaire, ouvert seulement pendant la récupération).</source>
        <translation>Address on which the workstation receives the images of a C-MOVE (temporary receiver, open only during retrieval).</translation>
    </message>
    <message>
        <source>Port TCP sur lequel le poste reçoit les images d&apos;un C-MOVE (à déclarer dans le PACS).</source>
        <translation>TCP port on which the workstation receives the images of a C-MOVE (to be declared in the PACS).</translation>
    </message>
    <message>
        <source>PACS des sites interrogés en DICOM (C-FIND, C-MOVE/C-GET) en plus de la plateforme.</source>
        <translation>Site PACS queried over DICOM (C-FIND, C-MOVE/C-GET) in addition to the platform.</translation>
    </message>
    <message>
        <source>Âge au-delà duquel la calibration GSDF d&apos;un écran est signalée comme à refaire, en jours.</source>
        <translation>Age after which a screen&apos;s GSDF calibration is reported as due to be redone, in days.</translation>
    </message>
    <message>
        <source>Textes et annotations à leur taille physique d&apos;après la résolution réelle de l&apos;écran (sinon : la résolution logique annoncée par le système).</source>
        <translation>Text and annotations at their physical size from the screen&apos;s real resolution (otherwise: the logical resolution reported by the system).</translation>
    </message>
    <message>
        <source>Zoom de l&apos;interface, en pourcentage (50 à 300).</source>
        <translation>Interface zoom, as a percentage (50 to 300).</translation>
    </message>
    <message>
        <source>Zoom des annotations sur les images, en pourcentage (50 à 300).</source>
        <translation>Zoom of the annotations on the images, as a percentage (50 to 300).</translation>
    </message>
    <message>
        <source>Langue de l&apos;interface (fr, en) ; le compte rendu reste en français.</source>
        <translation>Interface language (fr, en); the report stays in French.</translation>
    </message>
    <message>
        <source>L&apos;adresse de la plateforme doit commencer par https:// (reçu : « {url} »).</source>
        <translation>The platform address must start with https:// (got “{url}”).</translation>
    </message>
    <message>
        <source>Le délai des requêtes doit être positif.</source>
        <translation>The request timeout must be positive.</translation>
    </message>
    <message>
        <source>Le rafraîchissement de la liste doit être d&apos;au moins 5 secondes.</source>
        <translation>The worklist refresh must be at least 5 seconds.</translation>
    </message>
    <message>
        <source>Langue d&apos;interface inconnue : « {language} » (fr ou en).</source>
        <translation>Unknown interface language: “{language}” (fr or en).</translation>
    </message>
    <message>
        <source>Identifiant de l&apos;organisation invalide : 1 suivi des 9 chiffres du FINESS, ou 3 suivi des 14 chiffres du SIRET.</source>
        <translation>Invalid organisation identifier: 1 followed by the 9 digits of the FINESS number, or 3 followed by the 14 digits of the SIRET number.</translation>
    </message>
    <message>
        <source>le poste</source>
        <translation>the workstation</translation>
    </message>
    <message>
        <source>le récepteur DICOM du poste</source>
        <translation>the workstation&apos;s DICOM receiver</translation>
    </message>
    <message>
        <source>Le zoom doit être compris entre 50 et 300 %.</source>
        <translation>The zoom must be between 50 and 300%.</translation>
    </message>
    <message>
        <source>L&apos;âge maximal d&apos;une calibration doit être d&apos;au moins un jour.</source>
        <translation>The maximum age of a calibration must be at least one day.</translation>
    </message>
    <message>
        <source>Le délai de verrouillage doit être d&apos;au moins une minute.</source>
        <translation>The lock delay must be at least one minute.</translation>
    </message>
    <message>
        <source>Le certificat d&apos;autorité « {path} » est introuvable.</source>
        <translation>The CA certificate “{path}” cannot be found.</translation>
    </message>
    <message>
        <source>Paramètre inconnu : « {name} ».</source>
        <translation>Unknown setting: “{name}”.</translation>
    </message>
    <message>
        <source>Valeur invalide pour le paramètre « {name} » : {value!r}.</source>
        <translation>Invalid value for the setting “{name}”: {value!r}.</translation>
    </message>
    <message>
        <source>Le fichier de paramètres « {path} » est {what} : valeurs par défaut utilisées.</source>
        <translation>The settings file “{path}” is {what}: defaults used.</translation>
    </message>
    <message>
        <source>illisible</source>
        <translation>unreadable</translation>
    </message>
    <message>
        <source>mal formé</source>
        <translation>malformed</translation>
    </message>
    <message>
        <source>{problem} Valeur par défaut utilisée.</source>
        <translation>{problem} Default value used.</translation>
    </message>
    <message>
        <source>Titre AE invalide pour {what} : « {value} » (1 à 16 caractères ASCII imprimables, sans barre oblique inverse).</source>
        <translation>Invalid AE title for {what}: “{value}” (1 to 16 printable ASCII characters, no backslash).</translation>
    </message>
    <message>
        <source>Port TCP invalide pour {what} : {value} (1 à 65535).</source>
        <translation>Invalid TCP port for {what}: {value} (1 to 65535).</translation>
    </message>
    <message>
        <source>Chaque PACS doit avoir un nom.</source>
        <translation>Each PACS must have a name.</translation>
    </message>
    <message>
        <source>le PACS « {name} »</source>
        <translation>the PACS “{name}”</translation>
    </message>
    <message>
        <source>Adresse invalide pour {what} : « {value} ».</source>
        <translation>Invalid address for {what}: “{value}”.</translation>
    </message>
    <message>
        <source>Méthode de récupération inconnue pour {what} : « {value} » (C-MOVE ou C-GET).</source>
        <translation>Unknown retrieval method for {what}: “{value}” (C-MOVE or C-GET).</translation>
    </message>
    <message>
        <source>Délai invalide pour {what} (entre 0 et 600 secondes).</source>
        <translation>Invalid timeout for {what} (between 0 and 600 seconds).</translation>
    </message>
    <message>
        <source>Pour {what}, le certificat TLS du poste et sa clé vont ensemble.</source>
        <translation>For {what}, the workstation&apos;s TLS certificate and its key go together.</translation>
    </message>
    <message>
        <source>Valeur invalide pour {what} : « examens du jour » (oui ou non).</source>
        <translation>Invalid value for {what}: &quot;current exams&quot; (yes or no).</translation>
    </message>
    <message>
        <source>Une entrée de la liste des PACS est mal formée.</source>
        <translation>An entry in the PACS list is malformed.</translation>
    </message>
    <message>
        <source>Paramètre de PACS inconnu : « {name} ».</source>
        <translation>Unknown PACS setting: “{name}”.</translation>
    </message>
    <message>
        <source>Une entrée de la liste des PACS est incomplète (nom, titre AE et adresse).</source>
        <translation>An entry in the PACS list is incomplete (name, AE title and address).</translation>
    </message>
    <message>
        <source>Deux PACS portent le même nom.</source>
        <translation>Two PACS have the same name.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Adresse de la plateforme</source>
        <translation>Platform address</translation>
    </message>
    <message>
        <source>Certificat de l&apos;autorité (PEM)</source>
        <translation>Authority certificate (PEM)</translation>
    </message>
    <message>
        <source>Organisation de téléradiologie</source>
        <translation>Teleradiology organisation</translation>
    </message>
    <message>
        <source>Identifiant de l&apos;organisation</source>
        <translation>Organisation identifier</translation>
    </message>
    <message>
        <source>Délai des requêtes (s)</source>
        <translation>Request timeout (s)</translation>
    </message>
    <message>
        <source>Rafraîchissement de la liste (s)</source>
        <translation>Worklist refresh (s)</translation>
    </message>
    <message>
        <source>Verrouillage après inactivité (min)</source>
        <translation>Lock after inactivity (min)</translation>
    </message>
    <message>
        <source>Taille du cache (Go)</source>
        <translation>Cache size (GB)</translation>
    </message>
    <message>
        <source>Dossier du cache chiffré</source>
        <translation>Encrypted cache folder</translation>
    </message>
    <message>
        <source>Langue de l&apos;interface</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>Nom</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Titre AE du PACS (appelé)</source>
        <translation>PACS AE title (called)</translation>
    </message>
    <message>
        <source>Adresse</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Récupération des images</source>
        <translation>Image retrieval</translation>
    </message>
    <message>
        <source>Sites servis</source>
        <translation>Sites served</translation>
    </message>
    <message>
        <source>Examens du jour</source>
        <translation>Current exams</translation>
    </message>
    <message>
        <source>Délai de réponse (s)</source>
        <translation>Response timeout (s)</translation>
    </message>
    <message>
        <source>Chiffrement</source>
        <translation>Encryption</translation>
    </message>
    <message>
        <source>Autorité du PACS (PEM)</source>
        <translation>PACS authority (PEM)</translation>
    </message>
    <message>
        <source>Certificat du poste (PEM)</source>
        <translation>Workstation certificate (PEM)</translation>
    </message>
    <message>
        <source>Clé du poste (PEM)</source>
        <translation>Workstation key (PEM)</translation>
    </message>
    <message>
        <source>Titre AE du poste (appelant)</source>
        <translation>Workstation AE title (calling)</translation>
    </message>
    <message>
        <source>Adresse de réception C-MOVE</source>
        <translation>C-MOVE receiving address</translation>
    </message>
    <message>
        <source>Port de réception C-MOVE</source>
        <translation>C-MOVE receiving port</translation>
    </message>
    <message>
        <source>Paramètres du poste</source>
        <translation>Workstation settings</translation>
    </message>
    <message>
        <source>Premier démarrage : indiquez l&apos;adresse HTTPS de la plateforme de téléradiologie et le certificat de l&apos;autorité qui signe le sien (fournis par votre service informatique).</source>
        <translation>First start: enter the HTTPS address of the teleradiology platform and the certificate of the authority that signs its own (provided by your IT department).</translation>
    </message>
    <message>
        <source>Les changements s&apos;appliquent au prochain démarrage du poste.</source>
        <translation>Changes apply at the next start of the workstation.</translation>
    </message>
    <message>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Poste et plateforme</source>
        <translation>Workstation and platform</translation>
    </message>
    <message>
        <source>PACS (DICOM)</source>
        <translation>PACS (DICOM)</translation>
    </message>
    <message>
        <source>Parcourir…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Dossier du cache</source>
        <translation>Cache folder</translation>
    </message>
    <message>
        <source>Certificat de l&apos;autorité</source>
        <translation>Authority certificate</translation>
    </message>
</context>
<context>
    <name>SignatureBox</name>
    <message>
        <source>Mot de passe déjà confirmé pour signer : il sera redemandé à partir de {time}, et après tout verrouillage de la session.</source>
        <translation>Password already confirmed for signing: it will be asked again from {time}, and after any session lock.</translation>
    </message>
    <message>
        <source>Signer</source>
        <translation>Sign</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Démarrage impossible</source>
        <translation>Cannot start</translation>
    </message>
</context>
<context>
    <name>Worklist</name>
    <message>
        <source>Réponse en cours d&apos;envoi</source>
        <translation>Answer being sent</translation>
    </message>
    <message>
        <source>En lecture</source>
        <translation>Being read</translation>
    </message>
    <message>
        <source>CR signé</source>
        <translation>Report signed</translation>
    </message>
    <message>
        <source>À traiter</source>
        <translation>To do</translation>
    </message>
    <message>
        <source>Terminés</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Tous</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Identité qualifiée reçue : addendum à signer</source>
        <translation>Qualified identity received: addendum to sign</translation>
    </message>
    <message>
        <source>Images complémentaires demandées</source>
        <translation>Complementary images requested</translation>
    </message>
    <message>
        <source>Acquisition en cours</source>
        <translation>Acquisition in progress</translation>
    </message>
    <message>
        <source>Demande illisible</source>
        <translation>Unreadable request</translation>
    </message>
    <message>
        <source>{sex} {age}</source>
        <translation>{sex} {age}</translation>
    </message>
    <message>
        <source>{location}, message {control_id}</source>
        <translation>{location}, message {control_id}</translation>
    </message>
    <message>
        <source>{years} ans</source>
        <translation>{years} y</translation>
    </message>
    <message>
        <source>{months} mois</source>
        <translation>{months} mo</translation>
    </message>
    <message>
        <source>{days} j</source>
        <translation>{days} d</translation>
    </message>
    <message>
        <source>{hours} h {minutes}</source>
        <translation>{hours} h {minutes}</translation>
    </message>
    <message>
        <source>{reason}. Message {control_id} envoyé par {sender}.</source>
        <translation>{reason}. Message {control_id} sent by {sender}.</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <source>Priorité</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Attente</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Sexe / âge</source>
        <translation>Sex / age</translation>
    </message>
    <message>
        <source>Mod.</source>
        <translation>Mod.</translation>
    </message>
    <message>
        <source>Examen</source>
        <translation>Exam</translation>
    </message>
    <message>
        <source>Région</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Statut</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Points à vérifier :</source>
        <translation>Points to check:</translation>
    </message>
    <message>
        <source>URGENT</source>
        <translation>URGENT</translation>
    </message>
    <message>
        <source>Normale</source>
        <translation>Routine</translation>
    </message>
    <message>
        <source>{label} (acte {system} {code})</source>
        <translation>{label} (act {system} {code})</translation>
    </message>
    <message>
        <source>{label} : acte non encore précisé par le site</source>
        <translation>{label}: act not yet specified by the site</translation>
    </message>
</context>
<context>
    <name>Workstation</name>
    <message>
        <source>Mode démonstration : aucun trousseau sécurisé du système n&apos;est disponible sur ce poste. Les secrets restent en mémoire et le journal d&apos;audit de cette séance est une chaîne propre à la séance. En production, le poste refuse de démarrer dans ce cas.</source>
        <translation>Demonstration mode: no secure system keyring is available on this workstation. Secrets stay in memory and this session&apos;s audit log is a chain of its own. In production, the workstation refuses to start in this case.</translation>
    </message>
    <message>
        <source>Le journal d&apos;audit du poste a échoué à sa vérification. Il a été mis de côté comme preuve ({file}) et un nouveau journal commence. Prévenez le responsable sécurité.</source>
        <translation>The workstation&apos;s audit log failed its check. It has been set aside as evidence ({file}) and a new log has been started. Inform the security officer.</translation>
    </message>
    <message>
        <source>L&apos;index du cache local des examens était endommagé : il a été mis de côté (sans rien effacer) dans {folder} et le cache repart vide ; les examens seront retéléchargés.</source>
        <translation>The local study cache index was damaged: it has been set aside (nothing deleted) in {folder} and the cache starts again empty; the studies will be downloaded again.</translation>
    </message>
    <message>
        <source>Cette demande est illisible : contactez le site.</source>
        <translation>This request is unreadable: contact the site.</translation>
    </message>
</context>
<context>
    <name>_ProgressRelay</name>
    <message numerus="yes">
        <source>%n image(s) reçue(s) de la plateforme</source>
        <translation>
            <numerusform>%n image received from the platform</numerusform>
            <numerusform>%n images received from the platform</numerusform>
        </translation>
    </message>
    <message>
        <source>Récupération des images : {done}/{total}</source>
        <translation>Retrieving images: {done}/{total}</translation>
    </message>
</context>
</TS>
