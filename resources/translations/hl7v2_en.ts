<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="fr_FR">
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
        <source>Effet indésirable</source>
        <translation>Adverse effect</translation>
    </message>
    <message>
        <source>Incident technique</source>
        <translation>Technical incident</translation>
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
        <source>Région anatomique : sous-identifiant inconnu, ignoré</source>
        <translation>Anatomical region: unknown sub-identifier, ignored</translation>
    </message>
    <message>
        <source>Fonction rénale</source>
        <translation>Renal function</translation>
    </message>
    <message>
        <source>Date de la fonction rénale</source>
        <translation>Date of the renal function test</translation>
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
        <source>Le médecin responsable de l&apos;OBR-16 diffère de celui de l&apos;ORC-12 : l&apos;ORC-12 est retenu</source>
        <translation>The physician in charge in OBR-16 differs from the one in ORC-12: ORC-12 is used</translation>
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
        <source>Date de la réponse</source>
        <translation>Date of the answer</translation>
    </message>
    <message>
        <source>Date d&apos;annulation</source>
        <translation>Cancellation date</translation>
    </message>
    <message>
        <source>Mise en forme du texte ignorée ({where}).</source>
        <translation>Text formatting ignored ({where}).</translation>
    </message>
</context>
</TS>
