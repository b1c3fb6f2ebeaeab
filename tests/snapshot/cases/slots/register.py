# The `this` register of Deep.walk (a Deep) refers to a function value.
# expect: snapshot: a slot of type Deep refers to object {fn} of type (int) -> int
BASE = "interface"


def edit(s):
    fn = [i for i, o in enumerate(s.objects) if o.kind == 8][0]
    s.frames[1].registers[0].v = fn + 1
    return {"fn": fn}
