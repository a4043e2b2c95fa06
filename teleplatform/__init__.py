"""Reference teleradiology platform: the server the workstation talks to in the demo and the tests.

It plays the teleradiology information system of the ANS "Volet Téléradiologie": it receives the
imaging sites' orders (HL7 v2 flux 1, 2 and 4), serves their images over DICOMweb and accepts the
workstation's answers (flux 3) and reports (CDA R2 in HL7 v2). It is a separate program: it shares
only wire formats with the rest of the project and imports none of it.
"""
