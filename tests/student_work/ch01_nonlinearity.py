"""Chapter 1 students' implementations (see ``student_work``)."""
from student_work import Correct, Wrong

CHAPTER = "01_nonlinearity"

WRONG = [
    Wrong("relu", "def relu(x):\n    return np.abs(x)", "negative inputs were kept", "absolute value"),
    Wrong("relu", "def relu(x):\n    x[x < 0] = 0\n    return x.astype(np.float32)", None, "float32"),
]
CORRECT = [
    Correct("relu", "def relu(x):\n    return x * (x > 0)", "multiply by the mask"),
]
