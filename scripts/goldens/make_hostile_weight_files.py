"""Hostile weight files for the loader's tests, written with h5py (the library Keras saves with).

huge_dataset.weights.h5: the layout of test/goldens/weights/cases/twelve_same_convs.py, except that
the first Conv2D kernel DECLARES shape (100000, 100000, 4, 4) (160 GB of float32). Its chunks are
never written, so the file stays a few KB; a loader that reads before checking would exhaust memory.
Run: .keras-oracle/bin/python scripts/goldens/make_hostile_weight_files.py
"""
import os
import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDENS = os.path.join(HERE, "..", "..", "test", "goldens", "weights")
OUT = os.path.join(GOLDENS, "hostile")
os.makedirs(OUT, exist_ok=True)

with h5py.File(os.path.join(GOLDENS, "twelve_same_convs.weights.h5"), "r") as src, \
        h5py.File(os.path.join(OUT, "huge_dataset.weights.h5"), "w") as dst:
    def copy(name, obj):
        if isinstance(obj, h5py.Dataset):
            if name == "layers/conv2d/vars/0":
                dst.create_dataset(name, shape=(100000, 100000, 4, 4), dtype="f4", chunks=(1, 1, 4, 4))
            else:
                dst.create_dataset(name, data=obj[()])
        else:
            dst.require_group(name)
        for k, v in obj.attrs.items():
            dst[name].attrs[k] = v
    src.visititems(copy)
print("wrote", os.path.join(OUT, "huge_dataset.weights.h5"), os.path.getsize(os.path.join(OUT, "huge_dataset.weights.h5")), "bytes")
