"""torchvision.models: ResNet architecture, torchvision's state_dict keys and shapes, forward
shapes, initialisation, weights from local safetensors files and the errors for the rest."""
import os

import numpy as np
import pytest

import functorch_lite.torch as torch

try:  # the models need the facade's nn (Conv2d, BatchNorm2d, ...)
    from functorch_lite.torch.nn import Conv2d  # noqa: F401
except ImportError:  # pragma: no cover - only while torch.nn is being written
    pytest.skip("functorch_lite.torch.nn.Conv2d is not available yet", allow_module_level=True)

from functorch_lite.torch import nn
from functorch_lite.torchvision import models
from functorch_lite.torchvision.models import resnet as R


def _expected_resnet_keys(block_counts, bottleneck):
    """torchvision's state_dict keys, written out from the architecture's definition."""
    def bn(prefix):
        return [f"{prefix}.{s}" for s in ("weight", "bias", "running_mean", "running_var",
                                          "num_batches_tracked")]
    keys = ["conv1.weight"] + bn("bn1")
    convs = 3 if bottleneck else 2
    for stage, count in enumerate(block_counts, start=1):
        for b in range(count):
            p = f"layer{stage}.{b}"
            for c in range(1, convs + 1):
                keys += [f"{p}.conv{c}.weight"] + bn(f"{p}.bn{c}")
            if b == 0 and (stage > 1 or bottleneck):
                keys += [f"{p}.downsample.0.weight"] + bn(f"{p}.downsample.1")
    return keys + ["fc.weight", "fc.bias"]


@pytest.mark.parametrize("builder,counts,bottleneck,n_params", [
    (models.resnet18, [2, 2, 2, 2], False, 11_689_512),
    (models.resnet34, [3, 4, 6, 3], False, 21_797_672),
    (models.resnet50, [3, 4, 6, 3], True, 25_557_032),
])
def test_resnet_state_dict_keys_and_parameter_count(builder, counts, bottleneck, n_params):
    net = builder()
    sd = net.state_dict()
    assert list(sd) == _expected_resnet_keys(counts, bottleneck)  # same order too
    # the published parameter counts of torchvision's models
    assert sum(p.numel() for p in net.parameters()) == n_params
    assert tuple(sd["conv1.weight"].shape) == (64, 3, 7, 7)
    assert tuple(sd["fc.weight"].shape) == (1000, 512 * (4 if bottleneck else 1))


def test_resnet18_forward_shape_and_new_head():
    torch.manual_seed(0)
    net = models.resnet18(num_classes=10)
    net.eval()
    with torch.no_grad():
        out = net(torch.randn(2, 3, 32, 32))
    assert tuple(out.shape) == (2, 10)
    # the seed tutorial's fine-tuning step: replace fc with a new Linear
    net.fc = nn.Linear(net.fc.in_features, 4)
    with torch.no_grad():
        assert tuple(net(torch.randn(1, 3, 40, 40)).shape) == (1, 4)


def test_resnet_initialisation_follows_torchvision():
    torch.manual_seed(1)
    net = models.resnet18()
    w = net.layer3[0].conv1.weight.detach().numpy()
    fan_out = w.shape[0] * w.shape[2] * w.shape[3]
    assert abs(w.std() - np.sqrt(2.0 / fan_out)) < 0.1 * np.sqrt(2.0 / fan_out)
    assert (net.bn1.weight.detach().numpy() == 1).all()
    assert (net.bn1.bias.detach().numpy() == 0).all()
    zero = models.resnet18(zero_init_residual=True)
    assert (zero.layer1[0].bn2.weight.detach().numpy() == 0).all()


def test_resnet_backward_reaches_every_parameter():
    torch.manual_seed(2)
    net = R.ResNet(R.BasicBlock, [1, 1, 1, 1], num_classes=3)
    x = torch.randn(2, 3, 16, 16)
    loss = nn.CrossEntropyLoss()(net(x), torch.tensor([0, 2]))
    loss.backward()
    missing = [n for n, p in net.named_parameters() if p.grad is None]
    assert missing == []


def test_weights_from_a_local_safetensors_file(tmp_path):
    torch.manual_seed(3)
    src = models.resnet18(num_classes=5)
    path = os.path.join(tmp_path, "r18.safetensors")
    torch.save(src.state_dict(), path)
    net = models.resnet18(weights=path, num_classes=5)
    for key, value in src.state_dict().items():
        np.testing.assert_array_equal(net.state_dict()[key].numpy(), value.numpy())
    with pytest.raises(RuntimeError, match="do not fit"):
        models.resnet18(weights=path)  # 1000 classes vs a 5-class file
    with pytest.raises(FileNotFoundError, match="not found"):
        models.resnet18(weights=os.path.join(tmp_path, "nope.safetensors"))


def test_named_weights_read_the_torch_hub_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(RuntimeError, match="does not download") as e:
        models.resnet18(pretrained=True)
    target = os.path.join(tmp_path, "hub", "checkpoints", "resnet18-f37072fd.safetensors")
    assert target in str(e.value) and "save_file" in str(e.value)
    os.makedirs(os.path.dirname(target))
    open(target[: -len(".safetensors")] + ".pth", "wb").write(b"\x80\x02}q\x00.")
    with pytest.raises(RuntimeError, match="pickled checkpoint"):
        models.resnet18(weights="DEFAULT")
    torch.manual_seed(4)
    torch.save(models.resnet18().state_dict(), target)
    net = models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1)
    assert net.fc.out_features == 1000
    with pytest.raises(ValueError, match="'num_classes' expected value 1000"):
        models.resnet18(weights="IMAGENET1K_V1", num_classes=10)
    with pytest.raises(ValueError, match="not a weight of ResNet18_Weights"):
        models.resnet18(weights="IMAGENET1K_V9")


def test_state_dict_matches_real_torchvision():
    tv = pytest.importorskip("torchvision")
    for name in ("resnet18", "resnet34", "resnet50"):
        ref = getattr(tv.models, name)(weights=None).state_dict()
        ours = getattr(models, name)().state_dict()
        assert list(ours) == list(ref)
        assert all(tuple(ours[k].shape) == tuple(ref[k].shape) for k in ref)


def test_basic_block_dilation_points_to_bottleneck():
    with pytest.raises(NotImplementedError, match="Dilation > 1 not supported in BasicBlock.*"
                                                  "Bottleneck blocks"):
        models.resnet18(replace_stride_with_dilation=[False, False, True])
