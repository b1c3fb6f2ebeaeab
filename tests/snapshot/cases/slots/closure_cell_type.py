# The cell<string> a () -> string captures is a cell<int>: at run time a cell knows only its
# kind, so the reader compares the exact types (reading the int as a string would crash).
# expect: snapshot: a slot of type cell<string> refers to object {cell} of type cell<int>
BASE = "heap"


def edit(s):
    cell = s.objects[s.global_ref("next")].cells[0]
    s.objects[s.global_ref("label")].cells[0] = cell
    return {"cell": cell.v - 1}
