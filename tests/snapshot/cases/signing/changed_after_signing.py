# A signed file changed after it was signed (and its checksum made right again).
# expect: snapshot signature does not match the key: the file was changed or signed with another key
# key: secret
# repeats: signing/wrong_key.py
BASE = "heap"


def edit(s):
    s.flags, s.sign_key = 1, b"secret"


def damage(data):
    import nsnapkit
    data = bytearray(data)
    data[30] ^= 1
    return nsnapkit.fix_crc(data)
