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
    <message>
        <source>Cette image n&apos;est pas disponible hors connexion.</source>
        <translation>This image is not available offline.</translation>
    </message>
</context>
<context>
    <name>Connectivity</name>
    <message>
        <source>la connexion sécurisée avec la plateforme a échoué (certificat refusé) ; prévenez votre administrateur.</source>
        <translation>the secure connection to the platform failed (certificate rejected); inform your administrator.</translation>
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
        <source>Choisissez le motif du refus.</source>
        <translation>Choose the reason for refusal.</translation>
    </message>
    <message>
        <source>Rédigez la justification du refus pour le médecin demandeur (10 caractères au moins).</source>
        <translation>Write the justification of the refusal for the requesting physician (at least 10 characters).</translation>
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
        <source>Raccourcis clavier</source>
        <translation>Keyboard shortcuts</translation>
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
    <name>Orders</name>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>Programmé</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <source>À valider</source>
        <translation>To validate</translation>
    </message>
    <message>
        <source>Protocole envoyé</source>
        <translation>Protocol sent</translation>
    </message>
    <message>
        <source>Images disponibles</source>
        <translation>Images available</translation>
    </message>
    <message>
        <source>Compte rendu transmis</source>
        <translation>Report sent</translation>
    </message>
    <message>
        <source>Refusée</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>Annulée</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>Féminin</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>Masculin</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>Autre</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>Inconnu</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>Indéterminé</source>
        <translation>Undetermined</translation>
    </message>
    <message>
        <source>Non applicable</source>
        <translation>Not applicable</translation>
    </message>
    <message>
        <source>Identité non encore qualifiée</source>
        <translation>Identity not yet qualified</translation>
    </message>
    <message>
        <source>Identité provisoire</source>
        <translation>Provisional identity</translation>
    </message>
    <message>
        <source>Identité récupérée</source>
        <translation>Retrieved identity</translation>
    </message>
    <message>
        <source>Identité validée</source>
        <translation>Validated identity</translation>
    </message>
    <message>
        <source>Identité qualifiée</source>
        <translation>Qualified identity</translation>
    </message>
    <message>
        <source>INS-NIA</source>
        <translation>INS-NIA</translation>
    </message>
    <message>
        <source>INS-NIR de test</source>
        <translation>Test INS-NIR</translation>
    </message>
    <message>
        <source>INS-NIR de démonstration</source>
        <translation>Demonstration INS-NIR</translation>
    </message>
    <message>
        <source>Enceinte</source>
        <translation>Pregnant</translation>
    </message>
    <message>
        <source>Non enceinte</source>
        <translation>Not pregnant</translation>
    </message>
    <message>
        <source>Statut de grossesse inconnu</source>
        <translation>Pregnancy status unknown</translation>
    </message>
    <message>
        <source>Sans impact</source>
        <translation>No impact</translation>
    </message>
    <message>
        <source>Pertinent</source>
        <translation>Relevant</translation>
    </message>
    <message>
        <source>Majeur</source>
        <translation>Major</translation>
    </message>
    <message>
        <source>Demande validée</source>
        <translation>Request accepted</translation>
    </message>
    <message>
        <source>Demande refusée</source>
        <translation>Request refused</translation>
    </message>
    <message>
        <source>{what} ({where}).</source>
        <translation>{what} ({where}).</translation>
    </message>
    <message>
        <source>{what} : date illisible</source>
        <translation>{what}: unreadable date</translation>
    </message>
    <message>
        <source>{what} : valeur illisible</source>
        <translation>{what}: unreadable value</translation>
    </message>
    <message>
        <source>{what} : encodage base64 invalide</source>
        <translation>{what}: invalid base64 encoding</translation>
    </message>
    <message>
        <source>Modalité d&apos;imagerie non précisée par le site (OBX MODALITE_IMAGERIE).</source>
        <translation>Imaging modality not specified by the site (OBX MODALITE_IMAGERIE).</translation>
    </message>
    <message>
        <source>Région anatomique non précisée par le site (OBX REGION_ANATOMIQUE).</source>
        <translation>Anatomical region not specified by the site (OBX REGION_ANATOMIQUE).</translation>
    </message>
    <message>
        <source>Justification de la demande absente (OBR-13).</source>
        <translation>Justification of the request missing (OBR-13).</translation>
    </message>
    <message>
        <source>Structure d&apos;imagerie non identifiée (ORC-21).</source>
        <translation>Imaging facility not identified (ORC-21).</translation>
    </message>
    <message>
        <source>Date de la demande</source>
        <translation>Request date</translation>
    </message>
    <message>
        <source>Taille</source>
        <translation>Height</translation>
    </message>
    <message>
        <source>Poids</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>Identifiant de l&apos;examen (Study Instance UID) absent du complément (IPC-3).</source>
        <translation>Study identifier (Study Instance UID) missing from the complement (IPC-3).</translation>
    </message>
    <message>
        <source>Date de l&apos;examen</source>
        <translation>Exam date</translation>
    </message>
    <message>
        <source>Durée de rétention des images</source>
        <translation>Image retention period</translation>
    </message>
    <message>
        <source>Quantité administrée</source>
        <translation>Administered quantity</translation>
    </message>
    <message>
        <source>URL de la visionneuse DRIMbox</source>
        <translation>DRIMbox viewer URL</translation>
    </message>
    <message>
        <source>Protocole d&apos;imagerie</source>
        <translation>Imaging protocol</translation>
    </message>
    <message>
        <source>Date d&apos;annulation</source>
        <translation>Cancellation date</translation>
    </message>
</context>
<context>
    <name>Outbox</name>
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
</context>
<context>
    <name>ReadingPage</name>
    <message>
        <source>Identité confirmée par le site…</source>
        <translation>Identity confirmed by the site…</translation>
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
        <source>ANTÉRIEUR {prior} — {identity}</source>
        <translation>PRIOR {prior} — {identity}</translation>
    </message>
    <message>
        <source>Antérieur affiché : {prior} ({images})</source>
        <translation>Prior shown: {prior} ({images})</translation>
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
        <source>Confirmez votre signature par votre mot de passe
(vérifié par la plateforme, ou sur ce poste en mode dégradé) :</source>
        <translation>Confirm your signature with your password
(checked by the platform, or on this workstation in degraded mode):</translation>
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
        <source>Demande illisible</source>
        <translation>Unreadable request</translation>
    </message>
    <message>
        <source>{sex} {age}</source>
        <translation>{sex} {age}</translation>
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
        <source>Cette demande est illisible : contactez le site.</source>
        <translation>This request is unreadable: contact the site.</translation>
    </message>
</context>
<context>
    <name>_ProgressRelay</name>
    <message>
        <source>Récupération des images : {done}/{total}</source>
        <translation>Retrieving images: {done}/{total}</translation>
    </message>
</context>
</TS>
