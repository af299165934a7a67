/**
 * Image classification data sets as plain Java: readers, an embedded MNIST sample and a downloader.
 *
 * <p>{@link io.mixfarm.core.data.ImageSet} holds unsigned pixel bytes and class indices,
 * {@link io.mixfarm.core.data.Dataset} pairs a train and a test set, and
 * {@link io.mixfarm.core.data.Datasets#open(String)} turns a spec such as {@code mnist-sample} or
 * {@code cifar10:/data/cifar} into a {@code Dataset}. Readers check every file they read and report
 * damage as a one-line {@link io.mixfarm.core.data.DatasetException} naming the file.
 *
 * <p>{@link io.mixfarm.core.data.Preprocessing} names how a trial turns bytes into input: a
 * {@link io.mixfarm.core.data.Normalisation} and a training {@link io.mixfarm.core.data.Augmentation}
 * ({@link io.mixfarm.core.data.PadCropFlip} for CIFAR), applied per image as minibatches are assembled.
 *
 * <p>The package uses no DL4J or ND4J types, so it can be used (and tested) without native code;
 * conversion to tensors belongs to the model code.
 */
package io.mixfarm.core.data;
